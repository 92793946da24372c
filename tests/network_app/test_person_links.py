"""Each person named in the network analysis: the name opens the profile, and an icon button with
a label of its own opens the person's network page. It was a grey word "network" ("Netzwerk")
after every name, which read like part of the department beside it ("Netzwerk IT")."""

from __future__ import annotations

import re

import pytest

from tests.conftest import text_of

LABEL = {"en": "Network view of {name}", "de": "Netzwerkansicht von {name}"}
WORD = {"en": "network", "de": "Netzwerk"}


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("path, named", [("/network", "Mia Mentor"), ("/network/risks", "Mia Mentor"),
                                         ("/network/what-if?remove={mia}", "Sales Exec 0")])
def test_the_network_page_of_a_person_is_an_icon_button_with_its_own_label(client, login_as, create_user, small_org,
                                                                              compute, path, named, language):
    compute()
    login_as(create_user(roles=("change_manager",), locale=language))
    mia = small_org["mia"]
    response = client.get(path.format(mia=mia.id))
    body = response.get_data(as_text=True)
    links = re.findall(r'<a ([^>]*href="/network/people/[^"]+"[^>]*)>(.*?)</a>', body, re.S)
    assert links, "nobody with a network page on the page"
    for attributes, inside in links:
        name = re.search(r'aria-label="([^"]*)"', attributes)
        assert name, attributes
        assert re.fullmatch(LABEL[language].format(name=r"[^\"]+"), name.group(1)), name.group(1)
        assert 'class="network-view-link"' in attributes and f'title="{name.group(1)}"' in attributes
        assert re.sub(r"<[^>]+>", "", inside).strip() == "", inside  # an icon, no word beside the name
        assert 'aria-hidden="true"' in inside
    person = small_org["sales"][0] if named.startswith("Sales") else mia
    assert f'aria-label="{LABEL[language].format(name=named)}"' in body
    assert f'class="fw-semibold" href="/people/{person.id}">{named}</a>' in body  # the name itself opens the profile
    assert not re.search(rf"{named} {WORD[language]}\b", text_of(response))
