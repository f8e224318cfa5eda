"""One press release (고양시 and 경기도고양교육지원청) that four papers run with their own rewrites.

Each paper changes the headline, the byline and the time; some rewrite the lead or drop the
closing quote, as local papers do with a release. Their bodies stay >= 0.6 similar (3-gram
Jaccard); the earliest publication is the canonical one.
"""

from __future__ import annotations

GROUP = "goyang-school-bus"

LEAD = (
    "고양시는 경기도고양교육지원청과 함께 2027년 3월부터 대중교통이 닿지 않는 외곽 지역 초등학생을 "
    "위한 ‘안심 통학버스’ 12개 노선을 운행한다고 3일 밝혔다."
)
BODY = (
    (
        "안심 통학버스는 덕양구 관산동·고양동과 일산서구 가좌동 등 통학 거리가 2킬로미터를 넘는 지역 "
        "초등학교 17곳을 대상으로 하며, 등교 시간에는 오전 7시 50분부터, 하교 시간에는 오후 1시부터 "
        "4시 30분까지 학교 일정에 맞춰 운행한다."
    ),
    (
        "버스마다 승하차를 돕는 안전지도사가 한 명씩 탑승하고, 학부모는 스마트폰 앱으로 차량 위치와 "
        "자녀의 승하차 여부를 실시간으로 확인할 수 있다. 차량은 모두 어린이 보호 장치를 갖춘 25인승 "
        "전기버스로 마련된다."
    ),
    (
        "사업비는 연간 28억 원으로 고양시가 60퍼센트, 경기도교육청이 40퍼센트를 분담한다. 시는 이달 중 "
        "운송사업자 공모를 시작해 내년 1월까지 노선과 정류장을 확정할 계획이다."
    ),
    (
        "이용 신청은 내년 2월 한 달간 각 학교를 통해 받으며, 기초생활수급 가정과 한부모 가정, 다자녀 "
        "가정 자녀에게 우선 배정한다."
    ),
)
CLOSING = (
    "시 관계자는 “아이들이 좁은 갓길을 걸어 등교하는 일이 없도록 교육청과 힘을 모았다”며 “운행 "
    "결과를 살펴 2028년에는 노선을 20개까지 늘리겠다”고 말했다."
)

# The canonical version: the release as sent.
ORIGINAL = (LEAD, *BODY, CLOSING)
# A new lead, the closing quote dropped.
REWRITTEN_LEAD = (
    (
        "내년 3월부터 고양시 외곽 지역 초등학생들이 안심 통학버스를 타고 등하교할 수 있게 된다. "
        "고양시는 경기도고양교육지원청과 손잡고 통학버스 12개 노선을 운행한다고 3일 밝혔다."
    ),
    *BODY,
)
# A different new lead, everything else kept.
SHORT_LEAD = (
    (
        "고양시 외곽 초등학생 통학길에 ‘안심 통학버스’가 달린다. 고양시와 경기도고양교육지원청은 "
        "2027년 3월부터 12개 노선을 운행하기로 했다고 3일 밝혔다."
    ),
    *BODY,
    CLOSING,
)
# The release's own lead, the closing quote dropped.
TRIMMED = (LEAD, *BODY)
