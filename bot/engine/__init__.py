"""The engine: question text in, Answer out. Pure; knows nothing of Slack or the terminal."""
