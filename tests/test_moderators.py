"""Moderators (bot/moderation.py) and the Discord role setting it is built from."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import ConfigError, DiscordConfig
from bot.moderation import Moderators

LISTED = 1001
STRANGER = 2002
OUR_GUILD = 555
OTHER_GUILD = 666
MOD_ROLE = 777
OTHER_ROLE = 888


@pytest.fixture
def mods() -> Moderators:
    return Moderators.of(user_ids=[LISTED], roles=[MOD_ROLE], guilds=[OUR_GUILD])


def test_telegram_listed_users_and_confirmed_admins_only(mods: Moderators) -> None:
    assert mods.allows(LISTED)
    assert mods.allows(STRANGER, is_admin=True)
    assert not mods.allows(STRANGER)


def test_roles_count_by_id_in_any_form(mods: Moderators) -> None:
    assert mods.allows(STRANGER, roles=[str(MOD_ROLE)])
    assert mods.allows(STRANGER, roles=["x", str(MOD_ROLE)])
    assert not mods.allows(STRANGER, roles=[str(OTHER_ROLE), "moderators"])


@pytest.mark.parametrize("guild", [None, OUR_GUILD, OTHER_GUILD], ids=["dm", "ours", "other"])
def test_discord_listed_user_is_a_moderator_everywhere(mods: Moderators,
                                                        guild: int | None) -> None:
    assert mods.allows_member(LISTED, guild, manages_guild=False, role_ids=())


def test_discord_manage_server_counts_only_in_a_listed_guild(mods: Moderators) -> None:
    assert mods.allows_member(STRANGER, OUR_GUILD, manages_guild=True, role_ids=())
    assert not mods.allows_member(STRANGER, OTHER_GUILD, manages_guild=True, role_ids=())
    assert not mods.allows_member(STRANGER, None, manages_guild=True, role_ids=())


def test_discord_role_counts_only_in_a_listed_guild(mods: Moderators) -> None:
    assert mods.allows_member(STRANGER, OUR_GUILD, manages_guild=False,
                              role_ids=[OTHER_ROLE, MOD_ROLE])
    assert not mods.allows_member(STRANGER, OTHER_GUILD, manages_guild=False,
                                  role_ids=[MOD_ROLE])
    assert not mods.allows_member(STRANGER, None, manages_guild=False, role_ids=[MOD_ROLE])
    assert not mods.allows_member(STRANGER, OUR_GUILD, manages_guild=False,
                                  role_ids=[OTHER_ROLE])


def test_no_guilds_listed_means_only_listed_users() -> None:
    mods = Moderators.of(user_ids=[LISTED], roles=[MOD_ROLE])
    assert mods.allows_member(LISTED, OUR_GUILD, manages_guild=False, role_ids=())
    for guild in (None, OUR_GUILD, OTHER_GUILD):
        assert not mods.allows_member(STRANGER, guild, manages_guild=True, role_ids=[MOD_ROLE])


def test_nobody_is_a_moderator_by_default() -> None:
    mods = Moderators()
    assert not mods.allows(LISTED)
    assert not mods.allows_member(LISTED, OUR_GUILD, manages_guild=False, role_ids=[MOD_ROLE])


@given(user=st.integers(1, 10**18), guild=st.one_of(st.none(), st.integers(1, 10**18)),
       manages=st.booleans(), roles=st.lists(st.integers(1, 10**18), max_size=5))
def test_outside_listed_guilds_only_listed_users_count(user: int, guild: int | None,
                                                       manages: bool, roles: list[int]) -> None:
    mods = Moderators.of(user_ids=[LISTED], roles=roles, guilds=[OUR_GUILD])
    if guild == OUR_GUILD:
        guild = OTHER_GUILD
    allowed = mods.allows_member(user, guild, manages_guild=manages, role_ids=roles)
    assert allowed == (user == LISTED)


@pytest.mark.parametrize("role", ["Moderators", "@mods", "0", "-5", "12.5", "１２３", ""])
def test_config_refuses_anything_but_role_ids(role: str) -> None:
    with pytest.raises(ConfigError, match="not a role id"):
        DiscordConfig(moderator_roles=[role])


def test_config_role_ids_as_text_or_numbers_grant_the_role() -> None:
    config = DiscordConfig(moderators=[LISTED], moderator_roles=[f" {MOD_ROLE} ", OTHER_ROLE],
                           guilds=[OUR_GUILD])
    assert config.role_ids == {MOD_ROLE, OTHER_ROLE}
    mods = Moderators.of(config.moderators, config.role_ids, config.guilds)
    assert mods.allows_member(STRANGER, OUR_GUILD, manages_guild=False, role_ids=[MOD_ROLE])
