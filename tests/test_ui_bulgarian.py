"""The workshop app in Bulgarian, all of it: every line a group can read on the page (its text, the
titles and labels it holds, the texts of its charts) is Bulgarian, with numbers and dates written as
Bulgarian writes them; the English words allowed are a short, explicit list (``ALLOWED``).

The browser test opens the page in headless Chromium (Debian's /usr/bin/chromium) with side by side
on, steps into the month a design's centre closes (its banner on screen), and reads the page again
after each kind of change: a legal form, a structure, a slider, a typed amount, a refused input
("пет" in a number field). The checks of the words themselves (lever labels, amounts, dates, the
refusal of "пет", the pace of Play in the address) run without a browser too.
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("solara", reason="the app's packages (pip install -e '.[app]')")

from browser import require_chromium  # noqa: E402
from conftest import BASE, ROOT  # noqa: E402
from ui_support import chromium, context  # noqa: E402,F401 - the shared browser fixtures
from ui_support import choose, month, require_app, running_app, step, wait_month  # noqa: E402

from simcenter.ui import controls, state, text  # noqa: E402
from simcenter.ui.session import Workshop  # noqa: E402

OUTPUT = ROOT / "tests" / "output"

ALLOWED = (
    r"\bsimcenter(?: (?:run|compare|validate)(?: --reps \d+)?)?",  # the commands a group runs at home, as typed
    r"\.yaml\b", r"\bYAML\b", r"\bCSV\b",  # file kinds, as their files are named
    r"\bHHI\b",  # the funding concentration index, named after its authors (in brackets after its Bulgarian name)
    r"^ENGLISH$", r"^English$",  # the language switch names the other language in that language
)
"""English a Bulgarian page may show: the commands and file kinds a group types, the index's name, the
language switch. Nothing else: no word of the catalogue, the scenarios, the charts or the messages."""
LATIN_WORD = re.compile(r"[A-Za-z]+")
"""A word, or a letter in a name ("e1003"), in Latin letters."""
ENGLISH_NUMBER = re.compile(r"(?<![\d.,])[1-9]\d{0,2},\d{3}(?![\d,])|\d\.\d")
"""12,782 (English grouping) or 2.6 (a decimal point): Bulgarian writes 12 782 and 2,6."""
ISO_MONTH = re.compile(r"\b(?:19|20)\d\d-\d\d\b")
"""2027-10: Bulgarian writes "октомври 2027 г."."""


def english_lines(lines) -> list[str]:
    """The lines of ``lines`` that hold English (a word, a number in English format, an ISO month) once the
    allowed English is taken out."""
    found = []
    for line in lines:
        line = str(line).strip()
        rest = line
        for allowed in ALLOWED:
            rest = re.sub(allowed, " ", rest)
        if LATIN_WORD.search(rest) or ENGLISH_NUMBER.search(rest) or ISO_MONTH.search(rest):
            found.append(line)
    return found


def test_the_counter_finds_the_english_the_issue_found():
    # The lines the issue counted as English (74 of 225 on the Bulgarian page), and Bulgarian that is not.
    assert english_lines([
        "+ partner organisations join as voting members", "Municipality of Plovdiv",
        "бюджет за популяризиране, EUR на месец: EUR 300", "общинска подкрепа: EUR 12,782",
        "очаква се a number, получено text 'пет'", "успех при грантове: × 1.0", "Месец 10 от 120 (2027-10)",
        "e1003",
    ]) == ["+ partner organisations join as voting members", "Municipality of Plovdiv",
           "бюджет за популяризиране, EUR на месец: EUR 300", "общинска подкрепа: EUR 12,782",
           "очаква се a number, получено text 'пет'", "успех при грантове: × 1.0", "Месец 10 от 120 (2027-10)",
           "e1003"]
    assert english_lines([
        "общинска подкрепа, най-много евро годишно: 12 782 €", "успех при грантове: × 1,0", "0,48", "2,6 месеца",
        "Месец 10 от 120 (октомври 2027 г.)", "концентрация на финансирането (HHI)", "ENGLISH",
        "Всеки свят ... (световете на simcenter run --reps 20 с този номер на света)", "Файл със сценарий (.yaml)",
        "5–95%", "ЕСФ+ „Социални иновации+“",
    ]) == []


# ------------------------------------------------------------------ the words, without a browser
SHIPPED = sorted((ROOT / "scenarios" / "plovdiv").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_name_and_catalogue_text_of_a_shipped_scenario_has_its_bulgarian(path):
    import simcenter

    scenario = simcenter.load_scenario(path)
    names = [scenario.title_bg]
    for group in (scenario.partners, scenario.funding.funders):
        names += [spec.label_bg for spec in group.values()]
    catalogue = [*scenario.catalogue.legal_forms.values(), *scenario.catalogue.management_structures.values()]
    for entry in catalogue:
        assert len(entry.pros_bg) == len(entry.pros) and len(entry.cons_bg) == len(entry.cons), entry.label
        names += [entry.label_bg, entry.summary_bg, *entry.pros_bg, *entry.cons_bg]
    assert all(names), "a name or text without its Bulgarian"
    assert english_lines(names) == []


@pytest.mark.parametrize("name, value, en, bg", [
    ("municipal_support_eur", 12782, "municipal support, EUR per year at most: EUR 12,782",
     "общинска подкрепа, най-много евро годишно: 12\xa0782\xa0€"),
    ("promotion_budget_eur", 300, None, "бюджет за популяризиране, евро на месец: 300\xa0€"),
    ("grant_success_factor", 1.3, "grant success (× the scenario's rates): × 1.3", "успех при грантове (× нивата в сценария): × 1,3"),
    ("share_online_events", 0.05, "share of events online: 5%", "дял на онлайн събитията: 5%"),
    ("n_mentors", 2, None, "ментори (персонал): 2"),
])
def test_a_lever_label_is_written_in_the_language_of_the_page(name, value, en, bg):
    c = controls.BY_NAME[name]
    assert text.lever_text("bg", c, value) == bg
    if en is not None:
        assert text.lever_text("en", c, value) == en


def test_amounts_dates_and_refusals_are_written_in_the_language_of_the_page():
    assert (text.amount("bg", 12.5), text.amount("en", 12.5), text.amount("bg", 150.25)) == ("12,5", "12.5", "150,25")
    assert text.amount("bg", 1500) == "1\xa0500"
    assert text.calendar("bg", 2027, 10) == "октомври 2027\u202fг." and text.calendar("en", 2027, 10) == "October 2027"
    refused = controls.Refused("app.lever.mentoring_fee_eur", "app.input.not_a_number", "пет")
    assert text.refusal("bg", refused) == "Не е прието — такса за менторство, евро на час: очаква се число, получено: текст „пет“"
    out = controls.Refused("app.lever.mentoring_fee_eur", "app.input.out_of_range", -2.5, {"lo": 0, "hi": 200})
    assert text.refusal("bg", out).endswith("трябва да е между 0 и 200, получено: -2,5")
    assert text.described("bg", 12345) == "12\xa0345" and text.described("en", 12345) == "12,345"


def test_a_session_in_bulgarian_speaks_bulgarian_whatever_the_server_speaks(monkeypatch):
    monkeypatch.setenv("SIMCENTER_LANG", "en")  # the server's language: the page's must win everywhere
    w = Workshop(BASE, lang="bg")
    assert w.set_lever("A", "municipal_support_eur", 12782)
    assert text.lever_text(w.lang, controls.BY_NAME["municipal_support_eur"], w.value("A", "municipal_support_eur")) \
        .endswith("12\xa0782\xa0€")
    lines = w.load_design("A", "bad.yaml", b"name: x\ncenter:\n  legal_form: assoc\n", None)
    assert "3: center.legal_form: непозната правна форма 'assoc' (може би 'association'?)" in lines, lines
    assert any(line.startswith("1: (целият файл): ") for line in w.load_design("A", "bad.yaml", b"\xff", None))
    assert english_lines(line.split(": ", 2)[2].replace("'assoc'", "").replace("'association'", "") for line in lines) \
        == [], lines


def test_a_scenario_file_with_problems_is_described_in_the_language_of_the_page(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    w = Workshop(empty, lang="bg")
    (line,) = [text.problem_text("bg", p) for p in w.problems["A"]]
    assert line.endswith(":1: (целият файл): файлът е празен; сценарият изисква поне name, horizon, region и center"), line
    assert w.set_language("en")
    assert text.problem_text("en", w.problems["A"][0]).endswith(":1: (root): the file is empty; a scenario needs at "
                                                                "least name, horizon, region and center")


BROKEN_YAML = [b"name: [1\n", b"name: x\nhorizon:\n  years: 3\n   bad: 1\n", b"name: x: y\n", b"name: x\n\tfoo: 1\n",
               b"name: 'abc\n", b"a: {b: 1\n", b"name: *x\n", b"  a: 1\nb: 2\n", b'name: "\\q"\n', b"- a\nb: 1\n"]
"""The slips of a hand-edited file: an unclosed bracket or quote, a wrong indent, a tab, a colon in a value..."""


def test_the_slips_of_a_hand_edited_file_are_told_in_bulgarian():
    w = Workshop(BASE, lang="bg")
    english = Workshop(BASE, lang="en")
    for data in BROKEN_YAML:
        (line,) = w.load_design("A", "f.yaml", data, len(data))
        assert line.split(": ", 2)[1:2] == ["(целият файл)"] and "синтактична грешка в YAML" in line, line
        assert english_lines([re.sub(r"'[^']*'", "", line)]) == [], line  # a name from the file stays as written
        (said,) = english.load_design("A", "f.yaml", data, len(data))
        assert "YAML syntax error" in said and english_lines([said]) == [said]  # English keeps PyYAML's words
    (line,) = w.load_design("A", "f.yaml", b"name: x\n\tfoo: 1\n", None)
    assert line == "2: (целият файл): синтактична грешка в YAML, колона 1: отстъп с табулация: YAML иска отстъп с интервали"


def test_the_pace_of_play_is_kept_in_the_address_and_play_is_paused_after_a_reload():
    w = Workshop(BASE, lang="bg")
    assert w.set_play_seconds("2,5")
    address = state.encode(w)
    assert "pace=2.5" in address.split("&")
    again = Workshop(BASE, lang="en")
    assert state.restore(again, address) == []
    assert again.play_seconds == 2.5 and state.encode(again) == address
    # Not a pace the page takes: the default, and a note saying why, in the page's language.
    other = Workshop(BASE, lang="bg")
    (note,) = state.restore(other, "lang=bg&pace=9")
    assert other.play_seconds == 1.0
    assert state.note_text("bg", note) == "Секунди на месец при пускане: трябва да е между 0,25 и 4, получено: 9"
    assert "playing" not in address and "play=" not in address  # whether it played is not kept


# ------------------------------------------------------------------ the page, in Chromium
WORLDS_MS = 180_000
"""20 worlds per design in worker processes, on a machine shared with other work."""

VISIBLE = """() => {
    const lines = document.body.innerText.split('\\n');
    for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
        for (const a of ['title', 'aria-label', 'placeholder', 'alt']) {
            const v = el.getAttribute(a);
            if (v && !/icon$/.test(v)) lines.push(v);  // Vuetify's icon buttons say "prepend icon", not for people
        }
    }
    for (const input of document.querySelectorAll('input[type=text], input:not([type])')) {
        if (input.offsetParent !== null && input.value) lines.push(input.value);  // what a field shows
    }
    return lines.map(l => l.trim()).filter(l => l);
}"""
"""Every line a person can read on the page: its text, the titles and labels it holds, what its fields show."""

CHART_TEXTS = """() => new Promise(done => requirejs([window.solara.cdn + '/echarts@5.4.0/dist/echarts.js'], echarts => {
    const out = [];
    for (const el of document.querySelectorAll('.solara-echarts')) {
        const chart = echarts.getInstanceByDom(el);
        if (!chart) continue;
        const o = chart.getOption();
        const texts = (x) => (Array.isArray(x) ? x : [x]).filter(Boolean);
        for (const t of texts(o.title)) { out.push(t.text, t.subtext); }
        for (const axis of [...texts(o.xAxis), ...texts(o.yAxis)]) { out.push(axis.name); (axis.data || []).forEach(d => out.push(d)); }
        for (const l of texts(o.legend)) { (l.data || []).forEach(d => out.push(d && d.name !== undefined ? d.name : d)); }
        for (const s of o.series || []) {
            out.push(s.name);
            for (const d of s.data || []) { if (d && typeof d === 'object' && !Array.isArray(d) && d.name) out.push(d.name); }
        }
        for (const kind of ['xAxis', 'yAxis']) {  // the numbers of the axes, as drawn
            for (const c of chart.getModel().findComponents({mainType: kind})) {
                if (c.axis && c.get('show') !== false) c.axis.getViewLabels().forEach(l => out.push(l.formattedLabel));
            }
        }
        for (const tip of texts(o.tooltip)) {  // a tooltip's number, as it writes them
            if (tip.valueFormatter) out.push(tip.valueFormatter(12345.5), tip.valueFormatter(1234));
        }
    }
    done(out.filter(t => typeof t === 'string' && t.trim()).flatMap(t => t.split('\\n')));
}))"""
"""The texts the charts hold: titles and notes, axis names and the numbers on the axes, legends, series and node
names (their tooltips), and a number as the tooltips write it ("12 345,5")."""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    require_app()
    with running_app(tmp_path_factory.mktemp("ui-bulgarian"), "--host", "127.0.0.1") as running:
        yield running
    assert "Traceback" not in running.output(), running.output()


def read_page(page) -> tuple[list[str], list[str]]:
    """Every line of the page with every folded list opened, and the texts of its charts."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    return page.evaluate(VISIBLE), page.evaluate(CHART_TEXTS)


def no_english(page, when: str, seen: dict) -> None:
    lines, charts = read_page(page)
    assert "12\xa0345,5" in charts and "1\xa0234" in charts, charts  # the charts' numbers too, grouped as Babel groups
    seen[when] = len(lines) + len(charts)
    assert len(lines) > 60 and len(charts) > 40, (when, lines, charts)  # the whole page, not a blank one
    found = english_lines(lines) + english_lines(charts)
    assert found == [], f"{when}: {len(found)} of {len(lines) + len(charts)} lines hold English: {found}"


def wait_text(page, css: str, expected: str, timeout: float | None = None) -> None:
    page.wait_for_function("([css, t]) => [...document.querySelectorAll(css)].some(e => e.innerText.includes(t))",
                           arg=[css, expected], **({"timeout": timeout} if timeout else {}))


@pytest.mark.slow
def test_every_line_of_the_bulgarian_page_is_bulgarian(context, app):
    # The cooperative (design A) closes insolvent in month 37 of seed 1; the Plovdiv base (B) goes on.
    page = context.new_page()
    page.goto(app.url + "/?lang=bg&seed=1&step=1&ab=1&month=35&a=plovdiv%2Fcooperative.yaml&b=plovdiv%2Fbase.yaml")
    page.wait_for_selector(".sc-kpi-reached")
    wait_month(page, 35)
    step(page, 2)
    page.locator(".sc-closed-A").wait_for()
    assert "Модел А затвори през месец 37 (януари 2030" in page.locator(".sc-closed-A").inner_text()
    assert "(януари 2030\u202fг.)" in page.locator(".sc-month").inner_text()
    for which in ("A", "B"):  # the headline over many worlds, and the charts' bands, are on screen
        wait_text(page, f".sc-worlds-{which}.sc-worlds-ready", "от 20 свята", WORLDS_MS)
    page.wait_for_selector(".sc-network-B canvas")
    seen: dict = {}
    no_english(page, "month 37, design A closed", seen)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "ui_bulgarian_all.png"), full_page=True)

    choose(page, ".sc-legal_form-B", "Фондация в обществена полза")
    wait_text(page, ".sc-differs", "Фондация в обществена полза")
    no_english(page, "legal form of B changed", seen)

    choose(page, ".sc-management-B", "Многостранен управителен съвет")
    page.wait_for_function("() => /: 9$/.test(document.querySelector('.sc-lever-partner_seats-B').innerText.trim())")
    no_english(page, "structure of B changed", seen)

    mentors = page.locator(".sc-lever-n_mentors-B")
    before = mentors.inner_text().strip()
    mentors.locator("[role=slider]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("([css, b]) => document.querySelector(css).innerText.trim() !== b",
                           arg=[".sc-lever-n_mentors-B", before])
    wait_text(page, ".sc-differs", "ментори (персонал)")
    no_english(page, "a slider of B moved", seen)

    fee = page.locator(".sc-mentoring_fee_eur-B input")
    fee.fill("12,5")
    fee.press("Enter")
    wait_text(page, ".sc-differs", "такса за менторство")
    assert "Б 12,50\xa0€" in page.locator(".sc-differs").inner_text()  # the amount as Bulgarian writes it
    no_english(page, "a fee typed", seen)

    fee.fill("пет")
    fee.press("Enter")
    refused = page.locator(".sc-refused")
    refused.wait_for()
    assert refused.inner_text().strip() == \
        "Не е прието — такса за менторство, евро на час: очаква се число, получено: текст „пет“"
    no_english(page, "a refused input", seen)
    assert month(page) == 37
    print({when: f"0 of {n} lines hold English" for when, n in seen.items()})


@pytest.mark.slow
def test_the_pace_of_play_survives_a_reload_and_play_starts_paused(context, app):
    page = context.new_page()
    page.goto(app.url + "/?lang=bg&pace=2.5")
    page.wait_for_selector(".sc-kpi-reached")
    assert "по месец на всеки 2,5 с" in page.locator(".sc-play-seconds").inner_text()
    page.wait_for_function("() => new URLSearchParams(location.search).get('pace') === '2.5'")
    page.locator(".sc-play").click()
    wait_month(page, 1)
    page.locator(".sc-play", has_text="Пауза").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('month') !== '0'")
    at = month(page)
    page.reload()
    page.wait_for_selector(".sc-kpi-reached")
    wait_month(page, at)
    assert "по месец на всеки 2,5 с" in page.locator(".sc-play-seconds").inner_text()
    page.locator(".sc-play", has_text="Пусни").wait_for()  # paused after the reload
    page.wait_for_timeout(3000)  # more than a month at this pace: nothing moves by itself
    assert month(page) == at
