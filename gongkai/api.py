"""The REST API (OpenAPI at /api/docs). Each bounded context contributes a ninja Router in
``<app>/api.py``; they are mounted here under ``/api/<prefix>/``."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="gongkai API",
    version="1",
    description="政府信息公开平台开放接口 (public data and staff operations)",
    urls_namespace="api",
)

for _prefix, _module in [
    ("agencies", "gongkai.agencies.api"),
    ("publications", "gongkai.publications.api"),
    ("requests", "gongkai.inforequests.api"),
    ("appeals", "gongkai.appeals.api"),
    ("reports", "gongkai.annualreports.api"),
    ("supervision", "gongkai.supervision.api"),
]:
    api.add_router(f"/{_prefix}/", f"{_module}.router")
