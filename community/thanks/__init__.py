"""“Спасибо” with one tap, on a post or a help answer: a count, never a leaderboard."""
