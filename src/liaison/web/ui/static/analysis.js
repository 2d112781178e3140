// The analysis centre's pictures; every page works without this file (the server's SVG stays, the buttons hidden).
// 1. Graph views: the graph JSON in script.graph-data drawn with cytoscape.js (served by this node from
//    /static/vendor/, loaded only when the page has a graph): shape by entity kind, colour by community, size by
//    weight, leaders and brokers badged, edge line by grade; a click on an entity opens its page; zoom and fit
//    buttons. The server's SVG is hidden only once cytoscape has drawn; if the library fails to load it stays.
// 2. Export: each figure.picture gets SVG and PNG downloads that carry the figure's marking as a line of text at
//    the top and bottom of the file. CSP: no inline script, no eval, no style attribute in markup; images drawn on
//    the canvas come from data: URLs (img-src 'self' data:), downloads are blob: links (a navigation, not a fetch).
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var VENDOR = ["/static/vendor/cytoscape.min.js", "/static/vendor/cytoscape-svg.js"];
  // Okabe-Ito: told apart by people with the common colour-vision deficiencies.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"];
  var NO_COMMUNITY = "#BBBBBB";
  var SHAPES = {
    Person: "ellipse", Organization: "round-rectangle", Address: "diamond", Event: "triangle", Account: "hexagon"
  };
  var LINES = { confirmed: "solid", probable: "dashed", doubtful: "dotted" };
  var BANNER = 22; // pixels of marking line at the top and bottom of an exported picture

  // -- loading the library --------------------------------------------------------------------------------------

  function loadScripts(urls, done) {
    if (!urls.length) { done(true); return; }
    var script = document.createElement("script");
    script.src = urls[0];
    script.onload = function () { loadScripts(urls.slice(1), done); };
    script.onerror = function () { done(false); };
    document.head.appendChild(script);
  }

  // -- graph views ------------------------------------------------------------------------------------------------

  function readGraph(view) {
    var holder = view.querySelector("script.graph-data");
    if (!holder) { return null; }
    try { return JSON.parse(holder.textContent); } catch (e) { return null; }
  }

  function roleWords(view, roles) {
    var words = [];
    (roles || []).forEach(function (role) {
      if (role === "leader" || role === "broker") { words.push(view.getAttribute("data-role-" + role) || role); }
    });
    return words;
  }

  function elements(view, graph) {
    var out = [];
    var nodes = graph.nodes || [];
    var ids = {};
    nodes.forEach(function (node, i) {
      ids[node.id] = true;
      var roles = node.roles || [];
      var words = roleWords(view, roles);
      var weight = typeof node.weight === "number" ? Math.max(0, Math.min(1, node.weight)) : 0.3;
      var angle = (2 * Math.PI * i) / Math.max(nodes.length, 1);
      out.push({
        group: "nodes",
        data: {
          id: String(node.id),
          label: node.caption + (words.length ? " (" + words.join(", ") + ")" : ""),
          shape: SHAPES[node.schema] || "hexagon",
          colour: node.community === null || node.community === undefined
            ? NO_COMMUNITY : PALETTE[Math.abs(node.community) % PALETTE.length],
          size: 22 + 34 * weight,
          href: node.href || ""
        },
        // A circle to start from, in the data's order: the layout is the same on every load.
        position: { x: 300 * Math.cos(angle), y: 300 * Math.sin(angle) },
        classes: roles.join(" ")
      });
    });
    (graph.edges || []).forEach(function (edge, i) {
      if (!ids[edge.source] || !ids[edge.target]) { return; }
      out.push({
        group: "edges",
        data: {
          id: "e" + i + ":" + (edge.id || ""),
          source: String(edge.source),
          target: String(edge.target),
          label: edge.label || edge.relation || "",
          line: LINES[edge.style] || "dotted"
        }
      });
    });
    return out;
  }

  var STYLE = [
    { selector: "node", style: {
      "shape": "data(shape)", "background-color": "data(colour)", "width": "data(size)", "height": "data(size)",
      "label": "data(label)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "ellipsis",
      "text-max-width": 140, "border-width": 1, "border-color": "#333333", "color": "#111111",
      "text-background-color": "#FFFFFF", "text-background-opacity": 0.7
    } },
    { selector: "node.leader", style: { "border-width": 5, "border-color": "#000000", "font-weight": "bold" } },
    { selector: "node.broker", style: { "border-width": 6, "border-style": "double", "border-color": "#000000" } },
    { selector: "node.focus", style: { "border-width": 4, "border-color": "#D00000" } },
    { selector: "node[href != '']", style: { "cursor": "pointer" } },
    { selector: "edge", style: {
      "line-style": "data(line)", "width": 1.5, "line-color": "#555555", "curve-style": "bezier",
      "target-arrow-shape": "triangle", "target-arrow-color": "#555555", "arrow-scale": 0.8,
      "label": "data(label)", "font-size": 8, "text-rotation": "autorotate", "color": "#333333",
      "text-background-color": "#FFFFFF", "text-background-opacity": 0.8
    } }
  ];

  // A force-directed layout (cose, from the circle above: the same drawing on every load) up to a few hundred
  // entities; beyond, rings by weight, which take no time (the analyses bound their graphs, but a page stays quick).
  var FORCE_LIMIT = 400;
  function layoutFor(graph) {
    if ((graph.nodes || []).length > FORCE_LIMIT) {
      return { name: "concentric", animate: false, padding: 20, minNodeSpacing: 8,
               concentric: function (node) { return node.data("size"); }, levelWidth: function () { return 8; } };
    }
    return { name: "cose", animate: false, randomize: false, nodeRepulsion: function () { return 9000; },
             idealEdgeLength: function () { return 90; }, padding: 20 };
  }

  function drawGraph(view) {
    var graph = readGraph(view);
    var canvas = view.querySelector(".graph-canvas");
    if (!graph || !canvas || typeof window.cytoscape !== "function") { return; }
    canvas.hidden = false;
    var cy;
    try {
      cy = window.cytoscape({
        container: canvas,
        elements: elements(view, graph),
        style: STYLE,
        layout: layoutFor(graph),
        wheelSensitivity: 0.3,
        minZoom: 0.1,
        maxZoom: 5
      });
    } catch (e) {
      canvas.hidden = true;
      return;
    }
    view.cy = cy;
    view.classList.add("graph-drawn");
    var fallback = view.querySelector(".graph-fallback");
    if (fallback) { fallback.hidden = true; }
    cy.on("tap", "node", function (event) {
      var href = event.target.data("href");
      if (href && href.charAt(0) === "/") { window.location.assign(href); }
    });
    var tools = view.querySelector(".graph-tools");
    if (tools) {
      tools.hidden = false;
      tools.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-graph]");
        if (!button) { return; }
        var what = button.getAttribute("data-graph");
        var centre = { x: canvas.clientWidth / 2, y: canvas.clientHeight / 2 };
        if (what === "fit") { cy.fit(undefined, 20); }
        if (what === "zoom-in") { cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: centre }); }
        if (what === "zoom-out") { cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: centre }); }
      });
    }
  }

  // -- export -----------------------------------------------------------------------------------------------------

  // The presentation a stylesheet gives an SVG's elements, written onto the copy as attributes, so the file looks
  // the same outside the page (attributes, not style=, so the copy could be shown under this page's CSP too).
  var PRESENTATION = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity",
    "stroke-linecap", "opacity", "font-family", "font-size", "font-weight", "text-anchor", "dominant-baseline"];

  function inlinePresentation(original, copy) {
    var from = [original].concat(Array.prototype.slice.call(original.querySelectorAll("*")));
    var to = [copy].concat(Array.prototype.slice.call(copy.querySelectorAll("*")));
    for (var i = 0; i < from.length && i < to.length; i++) {
      var computed = window.getComputedStyle(from[i]);
      // What the parent already says is inherited in the file too: written once, on the outermost element.
      var parent = i > 0 && from[i].parentElement ? window.getComputedStyle(from[i].parentElement) : null;
      PRESENTATION.forEach(function (name) {
        var value = computed.getPropertyValue(name);
        if (value && (!parent || parent.getPropertyValue(name) !== value)) { to[i].setAttribute(name, value); }
      });
      to[i].removeAttribute("class");
    }
  }

  function size(svg) {
    var box = svg.viewBox && svg.viewBox.baseVal;
    if (box && box.width && box.height) { return { width: box.width, height: box.height, x: box.x, y: box.y }; }
    var w = parseFloat(svg.getAttribute("width")) || svg.getBoundingClientRect().width || 600;
    var h = parseFloat(svg.getAttribute("height")) || svg.getBoundingClientRect().height || 400;
    return { width: w, height: h, x: 0, y: 0 };
  }

  function bannerColours(marking) {
    var level = (marking.split(",")[0] || "").replace(/^TLP:/, "").trim();
    var colours = { RED: "#FF2B2B", AMBER: "#FFC000", "AMBER+STRICT": "#FFC000", GREEN: "#33FF00", CLEAR: "#FFFFFF" };
    return { text: colours[level] || "#FFFFFF", background: "#000000" };
  }

  function markingLine(doc, marking, y, width) {
    var colours = bannerColours(marking);
    var group = doc.createElementNS(SVG_NS, "g");
    group.setAttribute("class", "marking");
    var rect = doc.createElementNS(SVG_NS, "rect");
    rect.setAttribute("x", "0"); rect.setAttribute("y", String(y));
    rect.setAttribute("width", String(width)); rect.setAttribute("height", String(BANNER));
    rect.setAttribute("fill", colours.background);
    var text = doc.createElementNS(SVG_NS, "text");
    text.setAttribute("x", String(width / 2)); text.setAttribute("y", String(y + BANNER / 2));
    text.setAttribute("text-anchor", "middle"); text.setAttribute("dominant-baseline", "central");
    text.setAttribute("font-family", "system-ui, sans-serif"); text.setAttribute("font-size", "13");
    text.setAttribute("font-weight", "bold"); text.setAttribute("fill", colours.text);
    text.setAttribute("direction", "ltr");
    text.textContent = marking;
    group.appendChild(rect); group.appendChild(text);
    return group;
  }

  // A standalone SVG document: the picture moved down under a marking line, with another under it.
  function markedSvg(svg, marking, paper) {
    var box = size(svg);
    var doc = svg.ownerDocument;
    var out = doc.createElementNS(SVG_NS, "svg");
    var height = box.height + 2 * BANNER;
    // Never narrower than the marking: a small picture still carries the whole of it (about 8px a character).
    var width = Math.max(box.width, marking.length * 8 + 24);
    out.setAttribute("xmlns", SVG_NS);
    out.setAttribute("width", String(width));
    out.setAttribute("height", String(height));
    out.setAttribute("viewBox", "0 0 " + width + " " + height);
    var title = svg.querySelector("title");
    if (title) {
      var named = doc.createElementNS(SVG_NS, "title");
      named.textContent = title.textContent;
      out.appendChild(named);
    }
    var background = doc.createElementNS(SVG_NS, "rect");
    background.setAttribute("width", "100%"); background.setAttribute("height", "100%");
    background.setAttribute("fill", paper || "#FFFFFF");
    out.appendChild(background);
    out.appendChild(markingLine(doc, marking, 0, width));
    var inner = svg.cloneNode(true);
    inner.setAttribute("x", String((width - box.width) / 2)); inner.setAttribute("y", String(BANNER));
    inner.setAttribute("width", String(box.width)); inner.setAttribute("height", String(box.height));
    inner.setAttribute("viewBox", box.x + " " + box.y + " " + box.width + " " + box.height);
    out.appendChild(inner);
    out.appendChild(markingLine(doc, marking, BANNER + box.height, width));
    return { svg: out, inner: inner, width: width, height: height };
  }

  function serialize(svg) {
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);
  }

  function download(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function fileName(figure, extension) {
    var key = (figure.getAttribute("data-picture") || "picture").replace(/[^A-Za-z0-9_.-]+/g, "-");
    return "liaison-" + key + "." + extension;
  }

  function dataUrl(svgText) {
    var bytes = new TextEncoder().encode(svgText);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return "data:image/svg+xml;base64," + window.btoa(binary);
  }

  // A PNG, twice the picture's size, from a standalone SVG's text (drawn through an <img> from a data: URL).
  function pngFromSvg(svgText, width, height, done) {
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(width * 2);
      canvas.height = Math.round(height * 2);
      var context = canvas.getContext("2d");
      context.fillStyle = "#FFFFFF";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(done, "image/png");
    };
    image.src = dataUrl(svgText);
  }

  // A cytoscape view as a standalone SVG element (cytoscape-svg draws it; we add the marking).
  function cytoscapeSvg(view) {
    var text = view.cy.svg({ full: true, scale: 1, bg: "#FFFFFF" });
    var parsed = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
    return document.importNode(parsed, true);
  }

  // The cytoscape picture as a PNG (cy.png at twice the size), with marking lines drawn above and below.
  function cytoscapePng(view, marking, done) {
    var uri = view.cy.png({ full: true, scale: 2, bg: "#FFFFFF", output: "base64uri" });
    var image = new Image();
    image.onload = function () {
      var band = BANNER * 2;
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(image.width, marking.length * 16 + 48);
      canvas.height = image.height + 2 * band;
      var context = canvas.getContext("2d");
      context.fillStyle = "#FFFFFF";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, (canvas.width - image.width) / 2, band);
      var colours = bannerColours(marking);
      [0, band + image.height].forEach(function (y) {
        context.fillStyle = colours.background;
        context.fillRect(0, y, canvas.width, band);
        context.fillStyle = colours.text;
        context.font = "bold 26px system-ui, sans-serif";
        context.textAlign = "center";
        context.textBaseline = "middle";
        context.direction = "ltr";
        context.fillText(marking, canvas.width / 2, y + band / 2);
      });
      canvas.toBlob(done, "image/png");
    };
    image.src = uri;
  }

  function exportPicture(figure, format) {
    var marking = figure.getAttribute("data-marking") || "";
    var view = figure.querySelector(".graph-view");
    var drawn = view && view.cy && view.classList.contains("graph-drawn");
    if (drawn && format === "png") {
      cytoscapePng(view, marking, function (blob) { download(blob, fileName(figure, "png")); });
      return;
    }
    var source = drawn ? cytoscapeSvg(view) : figure.querySelector(".picture-body svg:not(.legend-icon)");
    if (!source) { return; }
    // The page's own background under an inline chart (its colours were chosen for it: dark mode included).
    var paper = drawn ? "#FFFFFF" : window.getComputedStyle(figure).backgroundColor;
    if (!paper || paper === "transparent" || paper === "rgba(0, 0, 0, 0)") { paper = "#FFFFFF"; }
    var marked = markedSvg(source, marking, paper);
    if (!drawn) { inlinePresentation(source, marked.inner); }
    var text = serialize(marked.svg);
    if (format === "svg") {
      download(new Blob([text], { type: "image/svg+xml" }), fileName(figure, "svg"));
    } else {
      pngFromSvg(text, marked.width, marked.height, function (blob) { download(blob, fileName(figure, "png")); });
    }
  }

  function offerExport(figure) {
    var hasPicture = figure.querySelector(".picture-body svg:not(.legend-icon), .graph-view");
    if (!hasPicture) { return; }
    Array.prototype.forEach.call(figure.querySelectorAll("button.picture-export"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { exportPicture(figure, button.getAttribute("data-format")); });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.picture"), offerExport);
    var views = document.querySelectorAll(".graph-view");
    if (!views.length) { return; }
    var urls = typeof window.cytoscape === "function" ? [] : VENDOR;
    loadScripts(urls, function (ok) {
      if (!ok || typeof window.cytoscape !== "function") { return; }
      Array.prototype.forEach.call(views, drawGraph);
      document.documentElement.setAttribute("data-graphs-drawn", String(views.length));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
