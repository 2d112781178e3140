"""The directory's pages as issue 12 makes them: the duty board as a sortable console table with status chips, find
going straight to a single match, duty answers in the contact's local time, policies and roles in plain words,
readiness listing the secretariat's own desk. Driven over HTTP on the demo directory (tests/test_ui.py's client)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote

from liaison.queries import snapshot
from liaison.queries.duty import duty_answer
from tests.conftest import DEMO_NOW
from tests.test_ui import client, logged_in  # noqa: F401  (the client fixture)

AT = quote(DEMO_NOW.isoformat())
SATURDAY = "2026-11-28T12:00:00Z"  # Kenya's weekday-only roster leaves a gap
FRIDAY = "2026-11-27T12:00:00Z"  # ... which begins within a day


def rows(html: str) -> dict[str, str]:
    """Each board row's HTML by its id (m-FR, n-FTF)."""
    return dict(re.findall(r'<tr id="([mn]-[A-Z]+)"(.*?)</tr>', html, flags=re.S))


def order(html: str) -> list[str]:
    return re.findall(r'<tr id="m-([A-Z]+)"', html)


def test_one_short_row_per_member_with_one_call_button_and_the_chips(client) -> None:  # noqa: F811
    logged_in(client, "secretariat.ftf")
    html = client.get(f"/networks/FTF?at={AT}").text
    board = rows(html)
    assert len(board) > 30
    for row_id, row in board.items():
        assert len(re.findall(r'class="(?:call|mail)[ "]', row)) <= 1, row_id  # one Call button
    assert 'href="tel:+' in board["m-FR"] and "Call" in board["m-FR"]
    assert "Override" in board["m-DE"]  # the demo's override running now
    st = client.app.state.liaison  # type: ignore[attr-defined]
    snap = st.cache.get()
    ftf = snap.networks["FTF"]
    for code in ftf.members:
        answer = duty_answer(snap, ftf, snap.members[code], DEMO_NOW)
        d, c = answer.designation, answer.contact
        deputy = c is not None and d is not None and d.deputy_id == c.id
        assert ('class="chip info deputy"' in board[f"m-{code}"]) == deputy, code
    client.cookies.clear()
    logged_in(client, "secretariat.vot")
    vot = rows(client.get(f"/networks/VOT?at={AT}").text)
    assert "Unverified channel" in vot["m-NG"]  # no officer of Nigeria's ever verified a channel


def test_a_gap_and_a_gap_coming(client) -> None:  # noqa: F811
    logged_in(client, "secretariat.ftf")
    saturday = rows(client.get("/networks/FTF", params={"at": SATURDAY}).text)
    assert 'class="gap"' in saturday["m-KE"] and "Nobody on duty" in saturday["m-KE"]
    assert "call fallback" in saturday["m-KE"] and 'href="tel:+' in saturday["m-KE"]  # the fallback's number
    friday = rows(client.get("/networks/FTF", params={"at": FRIDAY}).text)
    assert 'class="covered"' in friday["m-KE"] and "Gap from" in friday["m-KE"]
    assert "Gap from" not in friday["m-FR"]


def test_columns_sort_on_the_server_without_script(client) -> None:  # noqa: F811
    logged_in(client, "secretariat.ftf")
    default = client.get("/networks/FTF", params={"at": SATURDAY}).text
    codes = order(default)
    assert codes == sorted(codes)
    assert '<th scope="col" class="c-member" aria-sort="ascending"' in default
    assert 'href="/networks/FTF?at=' in default and "sort=-member" in default  # the header link flips it
    backwards = client.get("/networks/FTF", params={"at": SATURDAY, "sort": "-member"}).text
    assert order(backwards) == codes[::-1] and 'aria-sort="descending"' in backwards
    worst_first = order(client.get("/networks/FTF", params={"at": SATURDAY, "sort": "status"}).text)
    assert worst_first[0] == "KE"
    by_until = client.get("/networks/FTF", params={"at": SATURDAY, "sort": "until"}).text
    stamps = re.findall(r'data-sort-until="([^"]+)"', by_until)
    assert stamps == sorted(stamps)
    assert order(client.get("/networks/FTF", params={"sort": "nonsense"}).text) == codes  # falls back to members
    filtered = client.get("/networks/FTF", params={"q": "an", "sort": "-member"}).text
    assert 'name="sort" value="-member"' in filtered  # the filter form keeps the sort


def test_find_goes_straight_to_a_single_match_and_lists_several_with_who_is_on_duty(client) -> None:  # noqa: F811
    logged_in(client, "secretariat.ftf")
    r = client.get("/find", params={"q": "Kenya"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/networks/FTF/members/KE"
    r = client.get("/find", params={"q": "ftf"}, follow_redirects=False)  # a network's code, and nothing else
    assert r.status_code == 303 and r.headers["location"] == "/networks/FTF"
    client.cookies.clear()
    logged_in(client, "fr.ftf")  # France's officers see FTF and VOT, where Japan is a member too
    before = datetime.now(UTC)
    page = client.get("/find", params={"q": "Japan"}).text
    after = datetime.now(UTC)
    found = rows(page)
    assert set(found) >= {"n-FTF", "n-VOT"}
    st = client.app.state.liaison  # type: ignore[attr-defined]
    snap = st.cache.get()
    for code in ("FTF", "VOT"):
        row = found[f"n-{code}"]
        assert f'href="/networks/{code}/members/JP"' in row
        assert row.count('href="tel:+') == 1, code  # one Call button
        # The page answers for the moment it was asked (the clock's, not the demo's): a shift may change between.
        answers = [duty_answer(snap, snap.networks[code], snap.members["JP"], t) for t in (before, after)]
        names = [a.contact.name for a in answers if a.contact is not None]
        if names:
            assert any(name in row for name in names), (names, row)


def test_duty_answers_show_the_contacts_local_time_with_utc(client) -> None:  # noqa: F811
    logged_in(client, "secretariat.ftf")
    page = client.get(f"/networks/FTF/members/FR?at={AT}").text
    on_duty = page.split('id="fallback"')[0]
    assert "13:00 in Paris, 12:00 UTC" in on_duty  # 12:00 UTC is 13:00 in Paris in November
    assert "Until " in on_duty and " in Paris, " in on_duty.split("Until ")[1]
    assert "Europe/Paris (UTC+01:00)" in on_duty
    assert "The designated agency&#39;s 24/7 desk" in page  # the fallback steps in plain words
    client.cookies.set("liaison_tz", "Asia/Amman")
    amman = client.get(f"/networks/FTF/members/FR?at={AT}").text
    notice = amman.split('id="on-duty"')[0]  # elsewhere, the reader's own zone with UTC beside
    assert "15:00" in notice and "(12:00 UTC)" in notice


def test_the_board_in_arabic_is_right_to_left(client) -> None:  # noqa: F811
    logged_in(client, "secretariat.ftf")
    client.cookies.set("liaison_lang", "ar")
    html = client.get("/networks/FTF").text
    assert '<html lang="ar" dir="rtl">' in html
    assert "فرنسا" in rows(html)["m-FR"]  # a state's name in the reader's language (CLDR)
    assert "France" in rows(html)["m-FR"].split("data-text=")[1].split('"')[1].title()  # the filter still knows it
    assert "/static/directory.css" in html and "/static/directory.js" in html
    css = client.get("/static/directory.css").text
    physical = r"(?<![-\w])(left|right)\s*:|(margin|padding|border)-(left|right)|text-align:\s*(left|right)"
    assert not re.search(physical, css)  # logical properties only: the layout mirrors


def test_escalation_policies_and_roles_in_plain_words(client) -> None:  # noqa: F811
    logged_in(client, "secretariat.ftf")
    page = client.get("/networks/FTF/admin").text
    section = page[page.index('id="escalation"') :]
    assert "At once: the contact point on duty." in section
    assert "After 5 minutes without an acknowledgement: the deputy." in section  # the flash default
    assert "on-duty@" not in page and "network_admin" not in page
    assert "Secretariat of FTF: admits members" in page


def test_readiness_page_warns_about_the_secretariats_own_desk_and_unverified_channels(client) -> None:  # noqa: F811
    logged_in(client, "secretariat.ftf")
    page = client.get("/networks/FTF/readiness").text
    assert "secretariat&#39;s own desk" in page and "(the whole network)" in page
    assert "Never verified:" in page and "Liaison inbox" in page
    assert 'href="/networks/FTF/members/"' not in page  # the network-wide warning links to no member
    st = client.app.state.liaison  # type: ignore[attr-defined]
    with st.sessions() as s:
        snap = snapshot.build(s)
    desk = snap.desks[snap.networks["FTF"].secretariat_id][0]
    for channel in desk.channels:
        assert channel.value in page
