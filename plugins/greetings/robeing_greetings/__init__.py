"""Greetings: hello, thanks, how are you, goodbye and "what can you do", in five languages."""
