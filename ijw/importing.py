"""``ijw import``: messages from folders into the store, with retours to the outbox.

Order (documented in the README): by Dagtekening, then process step
(verzoeken 315/317; toewijzingen and antwoorden 301/319; retours 302/320;
starts 305; stops 307), then sender and Identificatie, then content hash. File
names play no part, so a shuffled folder gives the same result.

Each message is atomic (a savepoint), messages are committed in batches, and
a retour is stored in the same transaction as its heenbericht and written to
the outbox after the commit (outbox pattern): a run killed at any moment,
then started again, ends in the state of one clean run. A batch's retours are
published from the bytes just built (not read back from the store).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import socket
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from ijw.codelists.cbs import GemeenteList
from ijw.codelists.products import ProductList
from ijw.declaratie_antwoord import build_jw325, judge
from ijw.errors import Finding, Level
from ijw.messages import (
    ALL_MESSAGES,
    BY_CODE,
    GEMEENTE_HEADER,
    INCOMING,
    REGISTERED,
    RETOURS,
    Message,
    message_class,
)
from ijw.messages.r3_2.declaratie import Jw323
from ijw.messages.r3_2.verzoek_toewijzing import Jw315
from ijw.messages.r3_2.verzoek_wijziging import Jw317
from ijw.reading import ReadResult, iter_files, load_bytes, max_bytes_default, read
from ijw.retours import build_retour, class_codes, retour_versions
from ijw.rules import Hit, Rule, rules_for, to_finding
from ijw.schemas import SchemaSet
from ijw.store import persist
from ijw.store.context import StoreContext
from ijw.store.db import SQLITE_BEGIN_OPTION
from ijw.store.locking import group_lock, import_lock
from ijw.store.schema import ImportRun, table_of
from ijw.store.schema import Message as MessageRow
from ijw.writing import publish_files, write

log = logging.getLogger("ijw.import")

MESSAGE = table_of(MessageRow)
RUN = table_of(ImportRun)

#: Process step per message type (lower first), from the models.
STEP = {m.message_type: m.step for m in ALL_MESSAGES if m.step is not None}
#: Findings that keep a message the gemeente sent (301, 319) out of the store.
REGISTER_BLOCKERS = frozenset({"TR056", "TR332"})
#: Outcomes of a file that needs no operator. ``partly``: a 323 whose 325 rejects some
#: of its prestaties and approves the rest.
PROCESSED = frozenset({"accepted", "partly", "rejected", "registered", "retour", "skipped"})
BATCH_SIZE = 200


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What an import run needs to know besides its input."""

    gemeente: str
    outbox: Path
    today: date
    schemas: SchemaSet
    move_to: Path | None = None
    max_bytes: int | None = None
    batch_size: int = BATCH_SIZE


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What happened to one input file."""

    file: str
    outcome: str
    message_type: str | None = None
    sha256: str = ""
    findings: tuple[Finding, ...] = ()
    retour_file: str | None = None
    reason: str | None = None

    @property
    def processed(self) -> bool:
        """True unless the file could not be processed (it needs an operator)."""
        return self.outcome in PROCESSED


@dataclass(slots=True)
class ImportSummary:
    """Counts per message type and outcome, and every file's outcome."""

    files: list[FileOutcome] = field(default_factory=list)
    retours_written: int = 0

    def counts(self) -> dict[tuple[str, str], int]:
        """Number of files per (message type, outcome)."""
        return dict(Counter((f.message_type or "-", f.outcome) for f in self.files))

    @property
    def changed(self) -> bool:
        """False when the run found nothing new."""
        return any(f.outcome != "skipped" for f in self.files) or self.retours_written > 0

    @property
    def ok(self) -> bool:
        """True when every file was processed (accepted, rejected with a retour, ...)."""
        return all(f.processed for f in self.files)

    def to_json(self) -> dict[str, Any]:
        """The machine-readable summary."""
        by_type: dict[str, dict[str, int]] = {}
        for (kind, outcome), n in sorted(self.counts().items()):
            by_type.setdefault(kind, {})[outcome] = n
        return {
            "files": len(self.files),
            "changed": self.changed,
            "ok": self.ok,
            "retours_written": self.retours_written,
            "counts": by_type,
            "problems": [
                {"file": f.file, "outcome": f.outcome, "message_type": f.message_type,
                 "reason": f.reason}
                for f in self.files if not f.processed
            ],
            # Messages the gemeente sent, stored although a rule found something.
            "warnings": [
                {"file": f.file, "message_type": f.message_type,
                 "findings": [x.render() for x in f.findings]}
                for f in self.files if f.outcome == "registered" and f.findings
            ],
        }


@dataclass(frozen=True, slots=True)
class _Checked:
    rule: Rule
    hit: Hit
    finding: Finding


@dataclass(frozen=True, slots=True, order=True)
class _Queued:
    key: tuple[str, int, str, str, str]
    path: Path = field(compare=False)
    #: The aanbieder the message concerns (its dependency group), if readable.
    aanbieder: str = field(default="", compare=False)
    #: The bytes, kept from planning while the run stays within its memory budget.
    data: bytes | None = field(default=None, compare=False, repr=False)


_HEADER_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?Header>")
_PEEKED = ("BerichtCode", "Afzender", "Ontvanger", "Identificatie", "Dagtekening")
_PEEK = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(" + "|".join(_PEEKED).encode()
                   + rb")>\s*([^<]*?)\s*</")

#: Bytes of a batch read ahead of storing it (see Importer._process).
READ_AHEAD_BYTES = 32 * 1024 * 1024
#: Bytes of input kept in memory between planning and processing; past this
#: budget files are read again, so memory stays bounded whatever the folder size.
PLAN_MEMORY_BUDGET = 64 * 1024 * 1024


def _peek_header(data: bytes) -> tuple[tuple[str, int, str, str], str] | None:
    """((Dagtekening, step, Afzender, Identificatie), aanbieder) from the header's text.

    Only for ordering and grouping: a regular expression over the header is
    enough, since the full hardened parse and validation follow.
    """
    end = _HEADER_END.search(data)
    if end is None:
        return None
    found: dict[bytes, bytes] = {}
    for match in _PEEK.finditer(data, 0, end.start()):  # one pass; the first of each counts
        found.setdefault(match.group(1), match.group(2))
    values = {name: found.get(name.encode(), b"").decode("utf-8", "replace") for name in _PEEKED}
    message_type = BY_CODE.get(values["BerichtCode"], "")
    step = STEP.get(message_type, 9)
    aanbieder = values["Ontvanger"] if message_type in GEMEENTE_HEADER else values["Afzender"]
    return (values["Dagtekening"], step, values["Afzender"], values["Identificatie"]), aanbieder


def plan(paths: Iterable[Path], skip_dirs: Iterable[Path] = (), max_bytes: int | None = None,
         memory_budget: int = PLAN_MEMORY_BUDGET) -> list[_Queued]:
    """Every input file in processing order (reads only headers)."""
    skip = [d.resolve() for d in skip_dirs]
    limit = max_bytes or max_bytes_default()
    queue: list[_Queued] = []
    kept = 0
    folders: dict[Path, Path] = {}
    for path in iter_files(list(paths)):
        if path.name.startswith(".") or path.name.endswith(".reason.txt"):
            continue
        # Resolved once per folder; a file that is a link itself is resolved on its own.
        if path.is_symlink():
            resolved = path.resolve()
        else:
            folder = folders.get(path.parent)
            if folder is None:
                folder = folders[path.parent] = path.parent.resolve()
            resolved = folder / path.name
        if any(resolved.is_relative_to(d) for d in skip):
            continue
        _, data = load_bytes(path, None, limit)
        if isinstance(data, Finding):
            queue.append(_Queued(("9999", 9, "", "", str(path)), path))
            continue
        digest = hashlib.sha256(data).hexdigest()
        peeked = _peek_header(data)
        head, aanbieder = peeked if peeked else (("9999", 9, "", ""), "")
        keep = kept + len(data) <= memory_budget
        kept += len(data) if keep else 0
        queue.append(_Queued((*head, digest), path, aanbieder, data if keep else None))
    queue.sort()
    return queue


class Importer:
    """One import run over an engine; :meth:`run` processes the queue."""

    def __init__(self, engine: Engine, options: ImportOptions,
                 on_file: Callable[[FileOutcome], None] | None = None) -> None:
        self.engine = engine
        self.options = options
        self.on_file = on_file
        self.summary = ImportSummary()
        # Every retour states its schema's versions: a schema folder without them is a
        # configuration error now, not a failure after the first batch was stored.
        for kind in sorted(INCOMING):
            reply = message_class(kind).reply_type()
            if reply is not None:
                retour_versions(message_class(reply), options.schemas)
        GemeenteList.load()  # TR378's list: an operator's file that does not read stops here
        ProductList.load()  # TR381's list, likewise
        #: The size limit, settled once for the run (not looked up per file).
        self.max_bytes = options.max_bytes or max_bytes_default()
        #: Retours stored by the batch in progress: (message id, outbox name, bytes).
        self._fresh: list[tuple[int, str, bytes]] = []

    # -- the run -------------------------------------------------------------------------

    def run(self, paths: Iterable[Path]) -> ImportSummary:
        """Import every file under ``paths``; returns the summary."""
        options = self.options
        options.outbox.mkdir(parents=True, exist_ok=True)
        if self.engine.dialect.name == "postgresql":
            self.summary.retours_written += self.flush_outbox()
            queue = plan(paths, self.skip_dirs(), self.max_bytes)
            run_id = self.start_run()
            # Groups another run holds are left for later, then waited for: two
            # hosts on one inbox share the work instead of queueing behind each other.
            deferred = []
            for group, items in groups(queue):
                with group_lock(self.engine, group, wait=False) as held:
                    if held:
                        self.process(items, run_id)
                    else:
                        deferred.append((group, items))
            for group, items in deferred:
                with group_lock(self.engine, group):
                    self.process(items, run_id)
            self.finish_run(run_id)
            return self.summary
        with import_lock(self.engine):
            self.summary.retours_written += self.flush_outbox()
            queue = plan(paths, self.skip_dirs(), self.max_bytes)
            run_id = self.start_run()
            self.process(queue, run_id)
            self.finish_run(run_id)
        return self.summary

    def skip_dirs(self) -> list[Path]:
        """Folders under the input that hold our own output, never input."""
        options = self.options
        return [options.outbox] + ([options.move_to] if options.move_to else [])

    def process(self, queue: list[_Queued], run_id: int) -> None:
        """Process planned files in order, in batches of ``options.batch_size``."""
        size = self.options.batch_size
        for start in range(0, len(queue), size):
            self._batch(queue[start:start + size], run_id)

    def start_run(self) -> int:
        """Record this run; first mark runs of this host whose process is gone as interrupted."""
        host = socket.gethostname()
        with self.engine.begin() as conn:
            stale = conn.execute(select(RUN.c.id, RUN.c.pid).where(
                RUN.c.status == "running", RUN.c.host == host)).all()
            gone = [r.id for r in stale if not _process_alive(r.pid)]
            if gone:
                conn.execute(update(RUN).where(RUN.c.id.in_(gone)).values(status="interrupted"))
            return persist.new_id(conn.execute(insert(RUN).values(
                started_at=persist.now(), host=host, pid=os.getpid(),
                status="running",
            )))

    def finish_run(self, run_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(RUN).where(RUN.c.id == run_id).values(
                finished_at=persist.now(), status="finished",
                summary=json.dumps(self.summary.to_json()["counts"]),
            ))

    def _batch(self, items: list[_Queued], run_id: int) -> None:
        """One transaction per batch; if the store refuses a row, redo it message by message."""
        try:
            outcomes = self._process(items, run_id, isolate=False)
        except IntegrityError:
            log.warning("the store refused a row; redoing the batch message by message")
            outcomes = self._process(items, run_id, isolate=True)
        self.summary.retours_written += self.flush_outbox(self._fresh)
        self._fresh = []
        for queued, outcome in outcomes:
            self._after_commit(queued.path, outcome)

    def _process(self, items: list[_Queued], run_id: int, *, isolate: bool
                 ) -> list[tuple[_Queued, FileOutcome]]:
        outcomes: list[tuple[_Queued, FileOutcome]] = []
        digests = [q.key[4] for q in items]
        with self.engine.connect() as conn:
            seen = self._known(conn, digests)
        # The batch is read first, outside the transaction, then stored: parsing holds no
        # lock, and each phase keeps its working set (lxml's schemas, SQLite's pages) in
        # the processor's caches. Up to READ_AHEAD_BYTES; the rest is read when its turn
        # comes, so memory stays bounded whatever the files' sizes.
        results: dict[int, ReadResult] = {}
        self._fresh = []
        held = 0
        for index, queued in enumerate(items):
            if held > READ_AHEAD_BYTES:
                break
            if queued.key[4] not in seen:
                result = results[index] = self._read(queued)
                held += len(result.data or b"")
        with self._begin() as conn:
            known = self._known(conn, digests)  # again, now inside the transaction
            ctx = StoreContext(conn, self.options.today)
            for index, queued in enumerate(items):
                digest = queued.key[4]
                if digest in known:
                    outcome = FileOutcome(str(queued.path), "skipped", known[digest][0], digest,
                                          reason=known[digest][1])
                else:
                    result = results.pop(index) if index in results else self._read(queued)
                    outcome = self._one(conn, ctx, queued, result, run_id, isolate=isolate)
                    if outcome.message_type and outcome.processed:
                        known[digest] = (outcome.message_type, outcome.outcome)
                outcomes.append((queued, outcome))
        return outcomes

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        """A batch's transaction; on SQLite it takes the write lock up front (IMMEDIATE).

        A deferred transaction that has read would be refused its first write
        (SQLITE_BUSY_SNAPSHOT, without waiting) if another command committed in
        between, for instance ``ijw continuity`` beside the import job.
        """
        with self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn = conn.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
            with conn.begin():
                yield conn

    def _known(self, conn: Connection, digests: list[str]) -> dict[str, tuple[str, str]]:
        rows = conn.execute(
            select(MESSAGE.c.sha256, MESSAGE.c.message_type, MESSAGE.c.outcome)
            .where(MESSAGE.c.sha256.in_(digests))
        )
        return {r.sha256: (r.message_type, r.outcome) for r in rows}

    # -- one message ---------------------------------------------------------------------

    def _read(self, queued: _Queued) -> ReadResult:
        source: bytes | Path = queued.data if queued.data is not None else queued.path
        return read(source, name=str(queued.path), schemas=self.options.schemas,
                    max_bytes=self.max_bytes, content_checks=False)

    def _one(self, conn: Connection, ctx: StoreContext, queued: _Queued, result: ReadResult,
             run_id: int, *, isolate: bool) -> FileOutcome:
        path = queued.path
        if result.message is None:
            verdict = "invalid" if result.level is Level.XSD else "quarantined"
            reason = "; ".join(f.render() for f in result.findings[:5])
            return FileOutcome(str(path), verdict, result.message_type, result.sha256,
                               result.findings, reason=reason)
        message = result.message
        facts = persist.header_facts(message)
        if facts["gemeente"] != self.options.gemeente:
            return FileOutcome(
                str(path), "other_gemeente", message.message_type, result.sha256,
                reason=f"concerns gemeente {facts['gemeente']}, not {self.options.gemeente}",
            )
        if not isolate:
            return self._store(conn, ctx, message, result.sha256, result.data or b"", facts,
                               str(path), run_id)
        savepoint = conn.begin_nested()
        fresh = len(self._fresh)
        try:
            outcome = self._store(conn, ctx, message, result.sha256, result.data or b"", facts,
                                  str(path), run_id)
            savepoint.commit()
        except IntegrityError as exc:
            savepoint.rollback()
            del self._fresh[fresh:]  # its retour was rolled back with it
            log.error("store refused message", extra={"file": str(path),
                                                      "error": type(exc.orig).__name__})
            return FileOutcome(str(path), "failed", message.message_type, result.sha256,
                               reason="the store refused it (a uniqueness rule); see the log")
        return outcome

    def _check(self, message: Message, ctx: StoreContext, file: str) -> list[_Checked]:
        """Level 2 first; only a message that passes it is compared (levels 3 and 4).

        A message the gemeente sent (301, 319) is stored whatever level 2 finds, so it is
        compared all the same: TR056 and TR332 must still keep a repeat out of the store.
        """
        kind = message.message_type
        found = [_Checked(r, h, to_finding(r, h, message, None, file))
                 for r in rules_for(kind, Level.CONTENT) for h in r.check(message)]
        if found and kind not in REGISTERED:
            return found
        with ctx.remembering():
            return found + [_Checked(r, h, to_finding(r, h, message, None, file))
                            for level in (Level.CROSS_MESSAGE, Level.EXTERNAL)
                            for r in rules_for(kind, level) for h in r.check(message, ctx)]

    def _store(self, conn: Connection, ctx: StoreContext, message: Message, sha256: str,
               data: bytes, facts: dict[str, Any], file: str, run_id: int) -> FileOutcome:
        kind = message.message_type
        received = persist.now()
        base = dict(facts, sha256=sha256, file_name=Path(file).name, received_at=received,
                    imported_at=received, run_id=run_id, raw_xml=data)
        if kind in RETOURS:
            return self._store_retour(conn, message, base, file)
        checked = self._check(message, ctx, file)
        findings = [c.finding for c in checked]
        accepted = not findings
        level = max((f.level for f in findings), key=list(Level).index, default=None)
        # A repeated identity is stored as a duplicate of the first: TR056 said so, or the
        # message failed level 2, so TR056 (level 3) never ran and the identity is asked here.
        duplicate_of = None
        if level is Level.CONTENT or any(c.rule.code == "TR056" for c in checked):
            duplicate_of = persist.message_id(conn, kind, facts["sender"],
                                              facts["identificatie"])
        if kind in REGISTERED:
            # The gemeente sent it: a fact, stored even with findings (they are reported as
            # warnings), unless it repeats an Identificatie or takes another client's number.
            accepted = not any(c.rule.code in REGISTER_BLOCKERS for c in checked)
            verdict = "registered" if accepted else "rejected"
        else:
            verdict = "accepted" if accepted else "rejected"
        if isinstance(message, Jw323):
            judgement = judge((c.rule.level, c.rule.retourcode, c.hit.loc) for c in checked)
            verdict = {"approved": "accepted", "partly": "partly"}.get(
                judgement.outcome(message), "rejected")
        message_id = persist.insert_message(
            conn, **base, direction="out" if kind in REGISTERED else "in",
            outcome=verdict,
            rejected_level=level.value if level else None, duplicate_of_id=duplicate_of,
        )
        gemeente, aanbieder = facts["gemeente"], facts["aanbieder"]
        answer_file = None
        if kind in INCOMING:
            answer_id, answer_file = self._store_answer(conn, message, sha256, checked,
                                                        message_id, base, run_id)
        if isinstance(message, Jw323):
            persist.store_jw323(conn, message, message_id, gemeente, aanbieder, judgement,
                                answer_id)
        elif isinstance(message, Jw315):
            persist.store_jw315(conn, message, message_id, gemeente, aanbieder, accepted)
        elif isinstance(message, Jw317):
            persist.store_jw317(conn, message, message_id, gemeente, aanbieder, accepted)
        elif accepted:
            persist.store_accepted(conn, message, message_id, gemeente, aanbieder)
        for f in findings:
            log.info("finding", extra={"file": file, "rule": f.rule, "code": f.code,
                                       "path": f.path})
        return FileOutcome(file, verdict, kind, sha256, tuple(findings), answer_file)

    def _store_answer(self, conn: Connection, heen: Message, sha256: str,
                      checked: list[_Checked], heen_id: int, base: dict[str, Any],
                      run_id: int) -> tuple[int, str]:
        """Store the retour (or for a 323 the 325) of a received heenbericht; (id, file name)."""
        hits = [(c.rule.level, c.rule.retourcode, c.hit.loc) for c in checked]
        answer: Message
        if isinstance(heen, Jw323):
            answer = build_jw325(heen, hits, declaratie_sha256=sha256, today=self.options.today,
                                 schemas=self.options.schemas)
        else:
            answer = build_retour(heen, hits, heen_sha256=sha256, today=self.options.today,
                                  schemas=self.options.schemas)
        data = write(answer, stamp=False, schemas=self.options.schemas, validate=False)
        facts = persist.header_facts(answer)
        name = (f"{answer.message_type}_{facts['gemeente']}_{facts['aanbieder']}_"
                f"{facts['identificatie']}.xml")
        answer_id = persist.insert_message(
            conn, **facts, sha256=hashlib.sha256(data).hexdigest(), file_name=name,
            received_at=base["received_at"], imported_at=base["imported_at"], run_id=run_id,
            raw_xml=data, direction="out", outcome="sent", answers_id=heen_id,
            outbox_file=name, outbox_written=False,
        )
        # The rule behind a code, when one rule alone gave it (eleven rules share 0001).
        by_code: dict[str, set[str]] = {}
        for c in checked:
            by_code.setdefault(c.rule.retourcode.value, set()).add(c.rule.code)
        rules = {code: next(iter(found)) for code, found in by_code.items() if len(found) == 1}
        persist.insert_retour_codes(conn, answer_id, class_codes(answer), rules)
        self._fresh.append((answer_id, name, data))
        return answer_id, name

    def _store_retour(self, conn: Connection, message: Message, base: dict[str, Any],
                      file: str) -> FileOutcome:
        h: Any = message.header  # type: ignore[attr-defined]
        heen_type = message.retour_of or ""
        heen_id = persist.message_id(conn, heen_type, h.afzender,
                                     h.bericht_identificatie.identificatie)
        duplicate = persist.message_id(conn, message.message_type, base["sender"],
                                       base["identificatie"])
        message_id = persist.insert_message(
            conn, **base, direction="in", outcome="retour", answers_id=heen_id,
            duplicate_of_id=duplicate,
        )
        persist.insert_retour_codes(conn, message_id, class_codes(message))
        return FileOutcome(file, "retour", message.message_type, base["sha256"])

    # -- after the commit ----------------------------------------------------------------

    def flush_outbox(self, fresh: list[tuple[int, str, bytes]] | None = None) -> int:
        """Write stored retours that are not yet in the outbox; returns how many were published.

        With ``fresh`` (message id, outbox name, bytes): only those, the retours
        of the batch just committed, written from memory. Without: every pending
        one, read from the store (the recovery after a crash, at the start of a
        run). On PostgreSQL the rows are claimed (``FOR UPDATE SKIP LOCKED``) so
        two processes never write the same file: a retour is published once. A
        file that exists with the same bytes counts as published; one with other
        bytes is left alone and logged.
        """
        if fresh is not None and not fresh:
            return 0
        with self.engine.begin() as conn:
            query = (
                select(MESSAGE.c.id, MESSAGE.c.outbox_file)
                .where(MESSAGE.c.outbox_file.is_not(None), MESSAGE.c.outbox_written.is_(False))
                .order_by(MESSAGE.c.id)
            )
            if fresh is None:
                query = query.add_columns(MESSAGE.c.raw_xml)
            else:
                query = query.where(MESSAGE.c.id.in_([message_id for message_id, _, _ in fresh]))
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            pending = conn.execute(query).all()
            if not pending:
                return 0
            built = {message_id: data for message_id, _, data in fresh or ()}
            files = [(r.outbox_file, built[r.id] if fresh is not None else bytes(r.raw_xml))
                     for r in pending]
            # The files are in the outbox, durably, before the store says so.
            published = publish_files(self.options.outbox, files)
            for (name, _), ok in zip(files, published, strict=True):
                if not ok:
                    log.error("outbox file exists with other content; left alone",
                              extra={"file": name})
            conn.execute(update(MESSAGE).where(MESSAGE.c.id.in_([r.id for r in pending]))
                         .values(outbox_written=True))
        return sum(published)

    def _after_commit(self, path: Path, outcome: FileOutcome) -> None:
        self.summary.files.append(outcome)
        if self.on_file is not None:
            self.on_file(outcome)
        log.info("file", extra={"file": str(path), "message_type": outcome.message_type,
                                "outcome": outcome.outcome, "retour": outcome.retour_file})
        move_to = self.options.move_to
        if move_to is None or not path.exists():
            return
        if outcome.outcome in ("accepted", "partly", "registered", "retour"):
            folder = "accepted"
        elif outcome.outcome == "rejected":
            folder = "rejected"
        elif outcome.outcome == "skipped":
            folder = "rejected" if outcome.reason == "rejected" else "accepted"
        else:
            folder = "quarantine"
        target_dir = move_to / folder
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / path.name
        if target.exists():
            target = target_dir / f"{path.stem}.{outcome.sha256[:12]}{path.suffix}"
        if folder == "quarantine":
            (target.parent / f"{target.name}.reason.txt").write_text(
                (outcome.reason or outcome.outcome) + "\n", encoding="utf-8")
        shutil.move(str(path), str(target))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def groups(queue: list[_Queued]) -> list[tuple[str, list[_Queued]]]:
    """The queue split by dependency group (aanbieder), each in queue order, largest first."""
    by_group: dict[str, list[_Queued]] = {}
    for item in queue:
        by_group.setdefault(item.aanbieder, []).append(item)
    return sorted(by_group.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def import_files(engine: Engine, paths: Iterable[Path], options: ImportOptions,
                 on_file: Callable[[FileOutcome], None] | None = None) -> ImportSummary:
    """Import files and folders; see the module docstring for the guarantees."""
    return Importer(engine, options, on_file).run(paths)
