"""Benchmark gongkai.rules.privacy.scan on ~1 MB of disclosure-like text.

Run:  /work/venv/bin/python bench/privacy_scan.py [megabytes]
Prints the text size, number of findings and the best-of-3 wall time.
"""

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gongkai.rules.privacy import scan  # noqa: E402

FILLER = [
    "根据《中华人民共和国政府信息公开条例》第二十条规定，现将有关情况公开如下。",
    "闽政〔2023〕12号文件自2023年1月1日起施行，成文日期20230101。",
    "索引号：11441700007280420Y/2021-00050，发布机构：阳江市人民政府办公室。",
    "本年收费金额1234567890123元，共计13800000000元，邮政编码350400。",
    "咨询电话：0591-12345678，传真：0591-87654321，邮箱：zfxxgk@pingtan.gov.cn。",
    "规范性文件\t898989\t2023\t2024\t12345\t0\t23\n",
    "全年共受理政府信息公开申请23件，予以公开15件，部分公开3件，不予公开2件。",
]
PERSONAL = [
    "申请人张三，身份证号350102199001011238，手机13812345678。",
    "联系人李四，电话 139-1234-5678，邮箱 lisi@163.com。",
    "补贴发放至银行卡 6222 0202 0000 1234 562。",
]


def make_text(megabytes: float, seed: int = 1) -> str:
    rnd = random.Random(seed)
    parts, size = [], 0
    target = int(megabytes * 1024 * 1024)
    while size < target:
        s = rnd.choice(PERSONAL) if rnd.random() < 0.02 else rnd.choice(FILLER)
        parts.append(s)
        size += len(s.encode("utf-8"))
    return "".join(parts)


def main() -> None:
    mb = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    text = make_text(mb)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        found = scan(text)
        best = min(best, time.perf_counter() - t0)
    size = len(text.encode("utf-8"))
    print(f"text: {size / 1024 / 1024:.2f} MB UTF-8 ({len(text)} chars)")
    print(f"findings: {len(found)}")
    print(f"scan: {best * 1000:.0f} ms (best of 3), {size / 1024 / 1024 / best:.1f} MB/s")


if __name__ == "__main__":
    main()
