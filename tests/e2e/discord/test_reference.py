"""/claims (paginated) and /about."""

from __future__ import annotations

from bot.discord_bot.texts import texts
from tests.support.discord.fake_discord import FakeDiscord
from tests.support.discord.fake_engine import FakeEngine


async def test_claims_are_grouped_by_label_and_paged_with_buttons(fake: FakeDiscord, start_bot):
    await start_bot()
    record = await fake.slash("claims")
    first = await fake.wait_for(lambda: next(iter(record.visible), None))

    assert first.ephemeral
    assert "_Page 1 of " in first.content
    assert "__Established — independent sources confirm this__" in first.content
    forward = [c for row in first.components for c in row["components"] if not c.get("disabled")]
    assert [c["custom_id"] for c in forward] == ["cl:all:1"]

    click = await fake.click(first, "cl:all:1")
    await fake.wait_for(lambda: click.callbacks)
    assert click.callback_types == [7]
    page_two = click.messages[0]
    assert "_Page 2 of " in page_two.content
    assert page_two.content != first.content


async def test_claims_with_a_label_show_only_that_label(fake: FakeDiscord, start_bot):
    await start_bot()
    record = await fake.slash("claims", label="allegation")
    message = await fake.wait_for(lambda: next(iter(record.visible), None))
    assert "Allegation — no independent source found" in message.content
    assert "Established" not in message.content
    assert "(¶2)" in message.content  # claim 1 is an allegation, in paragraph 2
    assert "(¶1)" not in message.content


async def test_claims_page_option_opens_that_page(fake: FakeDiscord, start_bot):
    await start_bot()
    record = await fake.slash("claims", page=2)
    message = await fake.wait_for(lambda: next(iter(record.visible), None))
    assert "_Page 2 of " in message.content


async def test_about_names_the_article_copies_and_label_legend(fake: FakeDiscord, start_bot):
    await start_bot()
    record = await fake.slash("about")
    message = await fake.wait_for(lambda: next(iter(record.visible), None))
    text = message.content
    assert "**The U.S. Egged On The Coup In Peru**" in text
    assert "Vijay Prashad and José Carlos Llerena Robles — Globetrotter, 2022-12-14" in text
    assert "Dissident Voice (2022-12-20) <https://example.org/dv>" in text
    assert "`allegation`: Allegation — no independent source found" in text
    assert "/ask" in text


async def test_a_failing_command_tells_the_member_instead_of_thinking_forever(
    fake: FakeDiscord, start_bot, answer_log
):
    class NoIndex(FakeEngine):
        def claims(self, label=None):
            raise RuntimeError("the index is unavailable")

    await start_bot(NoIndex(answer_log))
    record = await fake.slash("claims")
    message = await fake.wait_for(lambda: next(iter(record.visible), None))
    assert message.content == texts().FAILED and message.ephemeral
