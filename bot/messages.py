"""Every sentence the bot says to a user or an operator, in one place, so wording is consistent
and tests can assert it exactly."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def knowledge_dir_unreadable(reason: str) -> UserError:
    return UserError(
        f"cannot load theses: {reason}. Pass --knowledge DIR or set THESIS_KNOWLEDGE_DIR.", 2
    )


def missing_setting(variable: str, why: str) -> UserError:
    return UserError(f"{variable} is not set: {why}. Set it in the environment and retry.", 2)


NO_THESES = "No thesis is loaded yet. Add a YAML file under knowledge/ and run `thesis validate`."
