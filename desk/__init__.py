"""The after-sales desk: tickets (the claims in force at order time, with evidence), webhook delivery
to the ticket system, and the compliance review queue with its audit log.

Stages here take what they need through their constructors (`pipeline.services` composes them).
May import models, storage, evidence and lexicon; never pipeline.
"""
