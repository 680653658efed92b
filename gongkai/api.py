"""The REST API (OpenAPI at /api/docs). Each bounded context contributes a ninja Router in
``<app>/api.py``; they are mounted here under ``/api/<prefix>/``."""

from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

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


# Schema errors (wrong JSON types, missing fields) keep ninja's "detail" list and add a Chinese
# "message" so API clients and the portal get a readable reason (inforequests added this).
_PYDANTIC_ZH = {
    "missing": "缺少必填字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "string_type": "应为文字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "json_invalid": "JSON 格式错误",
}


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc):
    parts = []
    for err in exc.errors[:5]:
        loc = ".".join(str(x) for x in err.get("loc", ())[1:] if x != "payload") or "请求"
        parts.append(f"{loc}：{_PYDANTIC_ZH.get(err.get('type', ''), '格式错误')}")
    return api.create_response(
        request,
        {"detail": exc.errors, "message": "请求数据有误：" + "；".join(parts)},
        status=422,
    )
