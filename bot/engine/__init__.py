"""The engine: question text in, Answer out. Pure; knows nothing of Slack or the terminal."""

from bot.engine.answer import Alternative, Answer, Card
from bot.engine.matcher import Engine

__all__ = ["Alternative", "Answer", "Card", "Engine"]
