"""Evidence bundles: the format (`layout`), the builder, the Ed25519 signer and offline verification.

A bundle is a signed ZIP that lets anyone check, offline, that a clip and quote are what was
recorded. `evidence.layout` owns every file name inside one; the builder writes them and the
verifier reads them. May import models, storage and capture; never pipeline.
"""
