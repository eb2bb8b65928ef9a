"""The Discord adapter: slash commands and mentions over the answer engine."""
