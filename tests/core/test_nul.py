"""A NUL character in an address gets a 400, in the UI and the API, on every database."""


def test_it_answers_400_to_a_nul_in_the_path_or_the_query(world):
    client = world.client_for(world.alice)
    assert client.get("/settings/members/abc%00def/").status_code == 400
    assert client.get("/network/?q=a%00b").status_code == 400
    response = client.get("/api/v1/people?q=%00")
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400
