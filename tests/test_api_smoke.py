def test_networks_for_french_contact_point(api):
    r = api.as_("fr.cp").get("/api/v1/networks")
    assert r.status_code == 200, r.text
    codes = [n["code"] for n in r.json()]
    assert codes == ["FTF", "VOT"]
