"""The page's side of sessions that survive: the address kept up to date, restored on opening, and a
design brought back from a scenario file.

``use_workshop`` builds a tab's session and replays the page's address into it
(``simcenter.ui.state.restore``); ``Keeper`` rewrites the address (``history.replaceState``: no
new history entry per month) after every change, so a reload, a reconnect or the same address
opened later finds the same designs at the same month. ``Notes`` says what the address held that
was not used. ``LoadDesign`` takes a scenario file from the group's computer (a plain file input:
nothing is fetched from elsewhere) and hands its bytes to the session, which checks them.
"""

from __future__ import annotations

from typing import Callable

import ipyvuetify as v
import solara
import traitlets
from ipyvuetify.extra import FileInput
from mesa.visualization.utils import update_counter

from simcenter.ui import state, ticks, uploads
from simcenter.ui.session import DESIGNS, Workshop
from simcenter.ui.ticks import force_update  # Mesa's, in one pass
from simcenter.ui.text import letter, tr

ADDRESS_VUE = """
<template><span style="display: none"></span></template>
<script>
module.exports = {
  mounted() { this.keep(this.query); },
  watch: { query(value) { this.keep(value); } },
  methods: {
    keep(query) {
      const url = new URL(window.location.href);
      const search = query ? "?" + query : "";
      if (url.search !== search) {
        url.search = search;
        window.history.replaceState(window.history.state, "", url.toString());
      }
    },
  },
};
</script>
"""

PICKER_VUE = """
<template>
  <v-file-input v-model="myfiles" :label="label" accept=".yaml,.yml" show-size clearable dense
                prepend-icon="mdi-upload" @change="setFiles" />
</template>
<script>
module.exports = {
  created() { this.chunk_size = 1024 * 1024; },
  methods: {
    setFiles(e) {
      if (!e) { this.native_file_info = []; this.file_info = []; return; }
      this.native_file_info = e instanceof File ? [e] : e;
      this.file_info = this.native_file_info.map(({ name, size }) => ({ name, size }));
    },
    jupyter_clear() { this.myfiles = undefined; this.setFiles(false); },
    jupyter_read(chunk) {
      const { id, file_index, offset, length } = chunk;
      let to_do = length;
      let sub_offset = offset;
      (async () => {
        while (to_do > 0) {
          const sub_length = Math.min(to_do, this.chunk_size);
          const blob = this.native_file_info[file_index].slice(sub_offset, sub_offset + sub_length);
          const buff = await blob.arrayBuffer();
          this.upload({ id, file_index, offset: sub_offset, length: sub_length }, [buff]);
          to_do -= sub_length;
          sub_offset += sub_length;
        }
      })();
    },
  },
};
</script>
"""


class Address(v.VuetifyTemplate):
    """Keeps the browser's address at ``query`` without adding to its history."""

    template = traitlets.Unicode(ADDRESS_VUE).tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)


class Picker(FileInput):
    """ipyvuetify's file input (its upload protocol) with a label and YAML files offered."""

    template = traitlets.Unicode(PICKER_VUE).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)


def use_language(default: str) -> str:
    """The language the page's address asks for, if the app speaks it (else ``default``)."""
    return state.address_language(solara.use_router().search, default)


def use_workshop(build: Callable[[], Workshop | None], unlocked: bool) -> Workshop | None:
    """The tab's session (``build()``, once it is unlocked), set to what the page's address holds."""
    router = solara.use_router()

    def make():
        workshop = build()
        if workshop is not None:
            state.restore(workshop, router.search)
        return workshop

    return solara.use_memo(make, [unlocked])


@solara.component
def Keeper(workshop: Workshop):
    """The page's address, rewritten after every change to hold the session (``state.encode``)."""
    ticks.watch()
    Address.element(query=state.encode(workshop))


@solara.component
def Notes(workshop: Workshop, lang: str):
    """What the page's address held that was not used, one line each, until the group dismisses it."""
    update_counter.get()
    if not workshop.notes:
        return

    def dismiss():
        workshop.notes = []
        force_update()

    with solara.Div(classes=["sc-restore-notes"]):
        solara.Warning(tr(lang, "app.session.notes"))
        for note in workshop.notes:
            solara.Warning(state.note_text(lang, note), dense=True, icon=False, classes=["sc-restore-note"])
        solara.Button(tr(lang, "app.session.dismiss"), text=True, classes=["sc-restore-dismiss"], on_click=dismiss)


@solara.component
def LoadDesign(workshop: Workshop, lang: str):
    """A scenario file from the group's computer becomes design A or B; its problems otherwise."""
    update_counter.get()
    into = solara.use_reactive("A")
    outcome = solara.use_reactive(None)  # ("done", file, design, seed) or ("problems", lines)

    def on_file(info):
        try:
            name, size, file_obj = str(info["name"]), info["size"], info["file_obj"]
            if not isinstance(size, int) or size < 0 or file_obj is None:
                raise ValueError(size)
            data = file_obj.read() if size <= uploads.MAX_BYTES else b""  # too large: said without reading it
        except Exception:  # whatever a browser did with the file, the group reads one line
            outcome.set(("problems", [f"1: {tr(lang, 'app.load.whole_file')}: {tr(lang, 'app.load.unreadable')}"]))
            return
        which = into.value
        lines = workshop.load_design(which, name, data, size)
        outcome.set(("problems", lines) if lines else ("done", name, which, workshop.seed))
        force_update()

    def choose(value):
        if value in DESIGNS:
            into.set(value)

    with solara.Card(tr(lang, "app.load.title"), classes=["sc-load"]):
        solara.Text(tr(lang, "app.load.help"), classes=["sc-note"])
        with solara.Row(style={"align-items": "center"}):
            solara.Text(tr(lang, "app.load.into"))
            solara.v.BtnToggle(v_model=into.value, on_v_model=choose, mandatory=True, dense=True,
                               class_="sc-load-into",
                               children=[solara.v.Btn(children=[letter(lang, w)], value=w, small=True) for w in DESIGNS])
        with solara.Div(classes=["sc-load-file"]):
            FilePicker(tr(lang, "app.load.file"), on_file)
        if outcome.value and outcome.value[0] == "problems":
            solara.Error(tr(lang, "app.load.problems"), classes=["sc-load-problems"])
            for line in outcome.value[1]:
                solara.Error(line, dense=True, icon=False, classes=["sc-load-problem"])
        elif outcome.value:
            _, name, which, seed = outcome.value
            solara.Success(tr(lang, "app.load.done", file=name, design=letter(lang, which), seed=seed),
                           classes=["sc-load-done"])


@solara.component
def FilePicker(label: str, on_file: Callable[[dict], None]):
    """A file input whose chosen file goes to ``on_file`` (as Solara's ``FileDrop`` hands it, read in a thread)."""
    file_info, set_file_info = solara.use_state(None)
    wired, set_wired = solara.use_state(None)
    picker = Picker.element(label=label, multiple=False, on_file_info=set_file_info)

    def wire():
        if not file_info:
            return
        try:
            real = solara.get_widget(picker)
            real.version += 1
            real.reset_stats()
            set_wired(real.get_files())
        except Exception:  # a browser's file_info without a name or a size
            set_wired([{"name": "", "size": None, "file_obj": None}])

    solara.use_effect(wire, [file_info])

    def handle(cancel):
        if wired:
            on_file(wired[0])

    solara.use_thread(handle, [wired])
