"""A chart whose numbers the browser writes in the page's language.

ECharts (``solara.FigureEcharts``) writes the numbers of its axes and tooltips in English ("12,500",
"2.5") whatever the page's language, and an option sent as JSON cannot hold the function that would
change that. ``Figure`` is Solara's ECharts widget with that function on the browser's side: on a
Bulgarian page each value axis and each axis tooltip writes its numbers with the browser's own
``Intl`` ("12 500", "2,5"; thousands grouped from 1 000 up, as Babel groups them for the rest of the
page in ``simcenter.i18n``, where CLDR's Bulgarian leaves four digits ungrouped). An English
page is drawn exactly as ``solara.FigureEcharts`` draws it.
"""

from __future__ import annotations

import solara
import traitlets
from solara.components.echarts import EchartsWidget

LOCALES = {"bg": "bg-BG"}
"""The browser's locale for the numbers of a chart, by the page's language (English: ECharts' own)."""

FIGURE_VUE = """
<template>
  <div ref="echarts" class="solara-echarts" v-bind="attributes"></div>
</template>
<script>
module.exports = {
  mounted() {
    (async () => {
      await this.loadRequire();
      this.echarts = await new Promise(done => requirejs([`${this.cdnUrl()}/echarts@5.4.0/dist/echarts.js`], done));
      this.chart = this.echarts.init(this.$refs.echarts);
      this.chart.setOption(this.localized(), true);
    })();
    if (this.responsive) {
      this.resizeObserver = new ResizeObserver(() => this.chart && this.chart.resize());
      this.resizeObserver.observe(this.$refs.echarts);
    }
  },
  beforeDestroy() {
    if (this.resizeObserver) this.resizeObserver.disconnect();
  },
  watch: {
    option() { if (this.chart) this.chart.setOption(this.localized(), true); },
    locale() { if (this.chart) this.chart.setOption(this.localized(), true); },
  },
  methods: {
    localized() {
      const locale = this.locale;
      if (!locale) return this.option;
      const number = v => (typeof v === 'number' ? v.toLocaleString(locale, {maximumFractionDigits: 2, useGrouping: 'always'}) : v);
      const axis = a => (a && a.type === 'value' ? {...a, axisLabel: {...(a.axisLabel || {}), formatter: number}} : a);
      const axes = a => (Array.isArray(a) ? a.map(axis) : axis(a));
      const option = {...this.option, xAxis: axes(this.option.xAxis), yAxis: axes(this.option.yAxis)};
      if (option.tooltip && option.tooltip.trigger === 'axis') option.tooltip = {...option.tooltip, valueFormatter: number};
      return option;
    },
    loadRequire() {
      if (window.requirejs) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = `${this.cdnUrl()}/requirejs@2.3.6/require.js`;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    },
    cdnUrl() {
      return this.cdn || (window.solara ? window.solara.cdn : './_solara/cdn');
    },
  },
};
</script>
"""


class FigureWidget(EchartsWidget):
    """Solara's ECharts widget, its numbers written in ``locale`` (a BCP 47 tag; empty: as ECharts writes them)."""

    template_file = None
    template = traitlets.Unicode(FIGURE_VUE).tag(sync=True)
    locale = traitlets.Unicode("").tag(sync=True)


class Option:
    """An ECharts option handed whole to ``Figure``: the page compares it by identity, never value by value.

    Reacton walks every argument of every element it reconciles, looking for child elements, and compares
    an element's old and new arguments item by item; a chart's option (a few hundred numbers per series,
    bands included) is walked that way several times a redraw, once per container around it. Wrapped, it
    is one object: a chart whose option was rebuilt (a new month) is redrawn, one whose option is the same
    object (memoised, nothing changed) is not.
    """

    __slots__ = ("value",)

    def __init__(self, value: dict):
        self.value = value

    def __eq__(self, other) -> bool:
        return isinstance(other, Option) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


@solara.component
def Figure(option: Option, lang: str, attributes: dict):
    """An ECharts chart of ``option`` whose axes and tooltips write numbers in ``lang`` (responsive to its box)."""
    return FigureWidget.element(option=option.value, locale=LOCALES.get(lang, ""), attributes=attributes,
                                responsive=True)
