"""信息公开申请工作台 — desktop workstation for requests for government information."""

__version__ = "0.1.0"
