"""Configuration: defaults, and one clear error naming the key."""

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_config_matches_the_defaults() -> None:
    shipped = load_config(ROOT / "config.yaml")
    assert shipped == parse_config({}, base_dir=ROOT)


@pytest.mark.parametrize(("raw", "key"), [
    ({"search": {"top_k": "three"}}, "search.top_k"),
    ({"search": {"top_k": 0}}, "search.top_k"),
    ({"search": {"b": 2}}, "search.b"),
    ({"search": {"min_score": float("nan")}}, "search.min_score"),
    ({"logging": {"queries": "yes"}}, "logging.queries"),
    ({"telegram": {"moderators": [1, "x"]}}, "telegram.moderators[1]"),
    ({"search": {"colour": 1}}, "search.colour"),
    ({"serch": {}}, "serch"),
    ({"corpus": 5}, "corpus"),
    ({"discord": {"moderator_roles": ["1", "Curators"]}}, "discord.moderator_roles[1]"),
    ({"discord": {"moderator_roles": [True]}}, "discord.moderator_roles[0]"),
    ({"discord": {"guilds": ["Home"]}}, "discord.guilds[0]"),
    ({"telegram": {"webhook_port": 70000}}, "telegram.webhook_port"),
    ({"telegram": {"webhook_port": 65536}}, "telegram.webhook_port"),
    ({"telegram": {"webhook_port": 0}}, "telegram.webhook_port"),
])
def test_bad_values_name_their_key(raw: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(raw)
    assert str(error.value).startswith(key)


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("search: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)


def test_discord_roles_are_ids_and_names_are_refused_with_a_hint() -> None:
    config = parse_config({"discord": {"moderator_roles": [930000000000000001, " 42 "]}})
    assert config.discord.role_ids == {930000000000000001, 42}
    with pytest.raises(ConfigError, match="role id"):
        parse_config({"discord": {"moderator_roles": ["Corpus curators"]}})


def test_webhook_port_bounds_are_accepted() -> None:
    for port in (1, 65535):
        assert parse_config({"telegram": {"webhook_port": port}}).telegram.webhook_port == port


def test_config_file_not_utf8_names_the_file(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("logging:\n  level: INFO  # réglé\n".encode("latin-1"))
    with pytest.raises(ConfigError) as error:
        load_config(latin)
    message = str(error.value)
    assert message.startswith(f"config file {latin}:") and "UTF-8" in message
    assert "\n" not in message and "0xe9" in message
