"""The moderators' review page over the answer log: `explainer review` runs `server.serve`."""
