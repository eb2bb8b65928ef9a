"""Buttons that keep working after a restart: "More", feedback and "Still need help?" under
answers, and the /claims pager.

All are `DynamicItem`s: the state lives in the custom_id (`more:<answer_id>`,
`fb:up:<answer_id>`, `help:<answer_id>`, `cl:<label>:<page>`), so no view has to be remembered
between restarts. Labels are in the answer's language; what a press replies is in the language
of the member's Discord client.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_bot.rendering.pages import claims_pages
from bot.discord_bot.rendering.splitter import split_markdown
from bot.discord_bot.texts import locale_language, texts
from index import hash_user_id

if TYPE_CHECKING:
    from bot.discord_bot.client import ExplainerBot

log = logging.getLogger(__name__)

NONE = discord.AllowedMentions.none()
ALL_LABELS = "all"
_MODAL_TIMEOUT = 15 * 60


def _bot(interaction: discord.Interaction[Any]) -> ExplainerBot:
    return interaction.client


def user_hash(bot: ExplainerBot, user_id: int) -> str:
    return hash_user_id(user_id, bot.settings.user_hash_salt.get_secret_value())


def _lines(interaction: discord.Interaction[Any]) -> Any:
    return texts(locale_language(getattr(interaction, "locale", None)))


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"fb:(?P<rating>up|down):(?P<answer_id>[A-Za-z0-9_-]{1,90})",
):
    def __init__(self, rating: str, answer_id: str, language: str = "en"):
        up = rating == "up"
        lines = texts(language)
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji="👍" if up else "👎",
                label=lines.FEEDBACK_UP_LABEL if up else lines.FEEDBACK_DOWN_LABEL,
                custom_id=f"fb:{rating}:{answer_id}",
            )
        )
        self.rating = rating
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> FeedbackButton:
        return cls(match["rating"], match["answer_id"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = _bot(interaction)
        who = user_hash(bot, interaction.user.id)
        if self.rating == "down":
            # The modal must be the response (within 3 s); the 👎 counts even if it is dismissed.
            await interaction.response.send_modal(FeedbackModal(self.answer_id))
            await _record(bot, self.answer_id, who, "down", None)
            return
        stored = await _record(bot, self.answer_id, who, "up", None)
        lines = _lines(interaction)
        await interaction.response.send_message(
            lines.FEEDBACK_UP if stored else lines.FEEDBACK_FAILED,
            ephemeral=True,
            allowed_mentions=NONE,
        )


class FeedbackModal(discord.ui.Modal):
    reason: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
        label=texts().FEEDBACK_MODAL_LABEL,
        placeholder=texts().FEEDBACK_MODAL_PLACEHOLDER,
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=1000,
        custom_id="reason",
    )

    def __init__(self, answer_id: str):
        super().__init__(
            title=texts().FEEDBACK_MODAL_TITLE,
            timeout=_MODAL_TIMEOUT,
            custom_id=f"fbm:{answer_id}",
        )
        self.answer_id = answer_id

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        bot = _bot(interaction)
        reason = (self.reason.value or "").strip() or None
        who = user_hash(bot, interaction.user.id)
        stored = await _record(bot, self.answer_id, who, "down", reason)
        lines = _lines(interaction)
        await interaction.response.send_message(
            lines.FEEDBACK_DOWN if stored else lines.FEEDBACK_FAILED,
            ephemeral=True,
            allowed_mentions=NONE,
        )


async def _record(
    bot: ExplainerBot, answer_id: str, who: str, rating: str, reason: str | None
) -> bool:
    try:
        await bot.service.record_feedback(answer_id, who, rating, reason)
    except Exception:
        log.exception("could not record feedback on answer %s", answer_id)
        return False
    return True


class MoreButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"more:(?P<answer_id>[A-Za-z0-9_-]{1,90})",
):
    """Shows the full answer (every passage and card) privately to whoever presses it."""

    def __init__(self, answer_id: str, language: str = "en"):
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.primary,
                emoji="📖",
                label=texts(language).MORE_LABEL,
                custom_id=f"more:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> MoreButton:
        return cls(match["answer_id"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            detail = await _bot(interaction).service.detail(self.answer_id)
        except Exception:
            log.exception("could not fetch the full answer %s", self.answer_id)
            detail = None
        for content in split_markdown(detail or "") or [_lines(interaction).MORE_GONE]:
            await interaction.followup.send(content, ephemeral=True, allowed_mentions=NONE)


class HelpButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"help:(?P<answer_id>[A-Za-z0-9_-]{1,90})",
):
    """ "Still need help?": hands the question and the answer to the moderators (once per
    answer) and tells the member, privately."""

    def __init__(self, answer_id: str, language: str = "en"):
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji="🙋",
                label=texts(language).HELP_LABEL,
                custom_id=f"help:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> HelpButton:
        return cls(match["answer_id"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        language = locale_language(getattr(interaction, "locale", None))
        try:
            said = await _bot(interaction).handoff.help(
                self.answer_id, interaction.user.id, language
            )
        except Exception:
            log.exception("could not hand answer %s to the moderators", self.answer_id)
            said = texts(language).HELP_FAILED
        await interaction.followup.send(said, ephemeral=True, allowed_mentions=NONE)


def feedback_view(
    answer_id: str, *, more: bool = False, help: bool = False, language: str = "en"
) -> discord.ui.View:
    """The buttons under an answer's last message: "More" when the answer has a full
    rendering beyond what was shown, then 👍 / 👎, then "Still need help?" when a moderators'
    channel is configured. Labelled in the answer's language."""
    view = discord.ui.View(timeout=None)
    if more:
        view.add_item(MoreButton(answer_id, language))
    view.add_item(FeedbackButton("up", answer_id, language))
    view.add_item(FeedbackButton("down", answer_id, language))
    if help:
        view.add_item(HelpButton(answer_id, language))
    return view


class ClaimsPageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"cl:(?P<label>[a-z]{1,20}):(?P<page>\d{1,3})",
):
    def __init__(self, label: str, page: int, *, forward: bool, disabled: bool = False):
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji="▶️" if forward else "◀️",
                custom_id=f"cl:{label}:{page}",
                disabled=disabled,
            )
        )
        self.label = label
        self.page = page

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> ClaimsPageButton:
        return cls(match["label"], int(match["page"]), forward=True)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        label = None if self.label == ALL_LABELS else self.label
        pages = await claims_pages_for(_bot(interaction), label)
        page = min(self.page, len(pages) - 1)
        await interaction.response.edit_message(
            content=pages[page],
            view=pager_view(self.label, page, len(pages)),
            allowed_mentions=NONE,
        )


async def claims_pages_for(bot: ExplainerBot, label: str | None) -> list[str]:
    claims = await bot.service.claims(label)
    about = await bot.service.about()
    return claims_pages(claims, about.label_legend, label)


def pager_view(label: str, page: int, pages: int) -> discord.ui.View | None:
    """◀ ▶ buttons for page `page` (0-based) of `pages`; None when there is one page."""
    if pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(ClaimsPageButton(label, max(page - 1, 0), forward=False, disabled=page == 0))
    view.add_item(
        ClaimsPageButton(label, min(page + 1, pages - 1), forward=True, disabled=page >= pages - 1)
    )
    return view
