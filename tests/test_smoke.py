def test_home_page_says_what_krug_is(client):
    response = client.get("/?lang=en")
    assert response.status_code == 200
    assert "A circle of families" in response.get_data(as_text=True)
