"""The API's per-key allowances, composed from Settings over the shared ledger in the catalog database."""

from __future__ import annotations

from pipeline.settings import Settings
from storage.catalog import Catalog
from storage.quotas import Allowance, QuotaLedger

__all__ = ["ApiQuotas"]


class ApiQuotas:
    """Evidence bundles and seconds of re-encoding, per API key (token bucket + daily quota each)."""

    def __init__(self, ledger: QuotaLedger, evidence: Allowance, reencode: Allowance) -> None:
        self.ledger, self.evidence, self.reencode = ledger, evidence, reencode

    @classmethod
    def from_settings(cls, settings: Settings, catalog: Catalog) -> ApiQuotas:
        s = settings
        return cls(
            QuotaLedger(catalog),
            Allowance("evidence bundles", s.evidence_per_hour, s.evidence_burst, s.evidence_per_day),
            Allowance("re-encoded seconds", s.reencode_s_per_hour, s.reencode_burst_s, s.reencode_s_per_day),
        )

    def charge(self, key_id: str, *, bundles: int = 0, reencode_s: float = 0.0) -> None:
        """Spend both or neither; QuotaExceededError (→ 429 with Retry-After) when the key cannot."""
        self.ledger.charge(key_id, [(self.evidence, bundles), (self.reencode, reencode_s)])
