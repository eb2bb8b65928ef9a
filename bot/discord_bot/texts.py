"""Every line the Discord adapter says on its own (the engine's lines are in prompts/texts.yaml)."""

from __future__ import annotations

COOLDOWN = "Please wait {seconds} s before asking again."
GUILD_BUSY = (
    "This server has asked {limit} questions in the last minute; please try again in {seconds} s."
)
QUEUE_FULL = "I am busy answering other questions right now; please try again in a minute."
SHUTTING_DOWN = "I am restarting; please ask again in a minute."
NOT_IN_DMS = "I only answer in servers, not in direct messages."
NOT_IN_GUILD = "I am not set up to answer in this server."
NOT_IN_CHANNEL = "I do not answer in this channel; please ask in one of the channels I serve."
EMPTY_MENTION = (
    "Ask me a question about the article after the mention, e.g. `@{name} Who was arrested?`"
)
FAILED = "Sorry, something went wrong while answering. Please try again."
NOT_READY = "I am still loading the article; please try again in a minute."

FEEDBACK_UP = "Thanks for the feedback."
FEEDBACK_DOWN = "Thanks: a moderator will review this answer."
FEEDBACK_FAILED = "Sorry, I could not store your feedback; please try again later."
FEEDBACK_MODAL_TITLE = "What was wrong with this answer?"
FEEDBACK_MODAL_LABEL = "What was wrong? (optional)"
FEEDBACK_MODAL_PLACEHOLDER = "A wrong label, a missing passage, a broken link…"
FEEDBACK_UP_LABEL = "Helpful"
FEEDBACK_DOWN_LABEL = "Not helpful"

REINDEX_NOT_ADMIN = "Only the server's managers can run /reindex."
REINDEX_RUNNING = (
    "A reindex is already running (started {ago} s ago); I keep answering from the current "
    "index until it finishes."
)
REINDEX_STARTED = "Reindexing… I keep answering from the current index until it is done."
REINDEX_DONE = (
    "Reindexed in {seconds:.1f} s: {added} added, {updated} updated, {deleted} deleted, "
    "{skipped} unchanged. Now answering from index version {version}."
)
REINDEX_UNCHANGED = (
    "Nothing changed in the corpus ({skipped} items); the index stays at version {version}."
)
REINDEX_INVALID = "The corpus has errors, so the index was not changed:"
REINDEX_FAILED = "The reindex failed: {error}. The bot keeps answering from the previous index."
REINDEX_RELOAD_FAILED = (
    "The new index (version {version}) was built but could not be loaded: {error}. "
    "The bot keeps answering from the previous index."
)

CLAIMS_TITLE = "**The article's checked claims{which}**"
CLAIMS_NONE = "No claims carry that label."
CLAIMS_PAGE = "_Page {page} of {pages}_"
ABOUT_TITLE = "**{title}**"
ABOUT_BYLINE = "By {authors} — {publisher}, {date}"
ABOUT_COPIES = "**Published copies**"
ABOUT_WHAT = "**What I do**"
ABOUT_HOW = (
    "Ask with `/ask`, or mention me with a question. I answer only from the article's own words, "
    "quoted exactly with their paragraph, and from background fact cards that name their sources. "
    "`/quote` shows only the passages on a topic; `/claims` lists every checked claim by label. "
    "Rate an answer with the 👍 / 👎 buttons under it."
)
ABOUT_LABELS = "**What the labels mean**"
