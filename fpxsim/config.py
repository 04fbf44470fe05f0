"""The simulator's settings, read once from the environment (README.md, "The simulated FPX exchange")."""

import os
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 5055
    threads: int = 8
    data_dir: Path = Path("instance/fpxsim")
    merchant_cert: Path | None = None
    seller_id: str = "SE00000001"
    exchange_id: str = "EX00000001"
    direct_ac_url: str = "http://127.0.0.1:5000/fpx/direct-ac"
    indirect_ac_url: str = "http://127.0.0.1:5000/fpx/indirect-ac"
    retry_schedule: tuple[float, ...] = (0.0, 30.0, 120.0, 600.0, 1800.0)
    ac_timeout: float = 10.0
    max_skew_minutes: float = 15.0
    operating_hours: str = "00:00-24:00"
    bank_session_minutes: float = 15.0  # a buyer who neither pays nor cancels at the bank times out (1A)

    @property
    def certificate_path(self) -> Path:
        """The FPX certificate the merchant is given (what PayNet calls fpxuat_current.cer)."""
        return self.data_dir / "fpxuat_current.cer"


def parse_schedule(text: str) -> tuple[float, ...]:
    """"0,30,120" -> (0.0, 30.0, 120.0): the delay before the first direct AC, then between resends."""
    try:
        delays = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ValueError(f"FPXSIM_RETRY_SCHEDULE must be comma-separated seconds, not {text!r}") from None
    if not delays or any(delay < 0 for delay in delays):
        raise ValueError("FPXSIM_RETRY_SCHEDULE needs at least one delay, none negative")
    return delays


def parse_hours(text: str) -> tuple[int, int]:
    """"07:00-23:30" -> minutes of the day (420, 1410); "00:00-24:00" is always open."""
    match = re.fullmatch(r"(\d\d):(\d\d)-(\d\d):(\d\d)", text.strip())
    if not match:
        raise ValueError(f"operating hours look like 07:00-23:30, not {text!r}")
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if m1 > 59 or m2 > 59 or not 0 <= start < end <= 24 * 60:
        raise ValueError(f"operating hours must be a range within one day, not {text!r}")
    return start, end


def from_environment(environ=os.environ) -> Settings:
    """Settings from FPXSIM_* variables; anything unset keeps its default."""
    def get(name, default):
        return environ.get("FPXSIM_" + name, "").strip() or default

    defaults = Settings()
    settings = Settings(
        host=get("HOST", defaults.host),
        port=int(get("PORT", defaults.port)),
        threads=int(get("THREADS", defaults.threads)),
        data_dir=Path(get("DATA_DIR", defaults.data_dir)),
        merchant_cert=Path(environ["FPXSIM_MERCHANT_CERT"]) if environ.get("FPXSIM_MERCHANT_CERT") else None,
        seller_id=get("SELLER_ID", defaults.seller_id),
        exchange_id=get("EXCHANGE_ID", defaults.exchange_id),
        direct_ac_url=get("DIRECT_AC_URL", defaults.direct_ac_url),
        indirect_ac_url=get("INDIRECT_AC_URL", defaults.indirect_ac_url),
        retry_schedule=parse_schedule(get("RETRY_SCHEDULE", "0,30,120,600,1800")),
        ac_timeout=float(get("AC_TIMEOUT", defaults.ac_timeout)),
        max_skew_minutes=float(get("MAX_SKEW_MINUTES", defaults.max_skew_minutes)),
        operating_hours=get("OPERATING_HOURS", defaults.operating_hours),
        bank_session_minutes=float(get("BANK_SESSION_MINUTES", defaults.bank_session_minutes)),
    )
    parse_hours(settings.operating_hours)
    return settings
