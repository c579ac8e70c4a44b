"""Small episode files written for the store, import and export tests."""

INSERTION_ERA = """\
---
author: Test Cast
date: '2026-01-05'
guest: ''
layout: post.njk
source: https://www.youtube.com/watch?v=TESTTEST001
speaker: Test Cast
tags:
  - first-tag
  - second-tag
title: 测试：第一集
summary: 一集用于测试的节目。
insight: ''
draft: true
series: ''
category: technology
area: tech-engineering
project: []
people:
  - Ada Park
companies_orgs: []
products_models: '[]'
media_books: []
status: evergreen
---
### 开场

**Ada Park**: 第一句话。

<details>
<summary>Original English</summary>

**Ada Park**: The first sentence.

</details>

**Speaker B**: 第二句话。

<details>
<summary>Original English</summary>

**Speaker B**: The second sentence.

</details>

### 第二节

**Ada Park**: 第三句话。

<details>
<summary>Original English</summary>

**Ada Park**: The third sentence.

</details>"""

ALPHABETICAL_ERA = """\
---
area: "society-thinking"
category: culture
companies_orgs:
- Example Corp
date: 2026-02-01
draft: false
guest: ''
insight: ''
layout: post.njk
people: []
project:
- history-notes
series: ''
source: https://www.youtube.com/watch?v=TESTTEST002
speaker: History Channel
status: evengreen
summary: 一段讲座。
tags:
- tea
title: 茶的历史
---

### 茶马互市

宋代的边境上，茶叶被用来交换战马。
<details>
<summary>View/Hide Original English</summary>
<p class="english-text">On the frontier, tea was traded for horses.</p>
</details>

<!-- chunk 2/2 -->

一段没有英文的结尾。
"""

ODD_ENGLISH = """\
---
title: "奇怪的块"
speaker : Lei
tags:
- x
---
**Host:** 开头。
<details>
<summary>Original English</summary_

**Host**: Opening.
</details>

[BODY_END]"""


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)
