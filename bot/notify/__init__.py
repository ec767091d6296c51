"""Every post the bot makes unasked, each exactly once: the daily digest, "thesis updated" posts
and owners' weekly notes, claimed in the delivery ledger before posting, and the clock that
runs them."""
