from axe_playwright_python.sync_playwright import Axe

def test_dump(live_server, page):
    for path in ["/", "/auth/register", "/auth/login", "/?lang=en", "/auth/register?lang=en"]:
        page.goto(live_server.url + path)
        r = Axe().run(page).response
        print("\n==", path, "violations:", len(r["violations"]), "testEngine", r.get("testEngine"))
        for v in r["violations"]:
            print(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]])
