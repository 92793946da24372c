"""The run report: every figure computed for all runs at once (a fixed number of statements).

Aggregates of survey answers appear only for groups of at least REPORT_MIN_GROUP respondents;
a smaller group is reported as suppressed, with no figure at all. Comments appear only where
their author agreed, and only when their group is large enough, in a fixed order that says
nothing about who wrote first.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import and_, func, select

from community.discussions.models import Post, Thread
from community.expertise.models import Tag
from community.extensions import db
from community.impact.dimensions import DIMENSIONS
from community.impact.models import (
    SIDES,
    SURVEY_KINDS,
    Survey,
    SurveyAnswerSet,
    SurveyItem,
    SurveyLevel,
    SurveyParticipation,
    SurveyRating,
)
from community.mentoring.models import (
    GOAL_PROGRESS,
    MENTORSHIP_STATUSES,
    Cohort,
    MentoringSession,
    Mentorship,
    MentorshipGoal,
)
from community.mentoring.queries import add_session_count, counted_status, sessions_over
from community.profiles.models import Answer, PersonTag, Question

TAKING_PART = ("active", "completed")
CONTACT_LEVELS = ("practitioner", "expert")


def min_group() -> int:
    try:
        return max(1, int(current_app.config.get("REPORT_MIN_GROUP", 5)))
    except (TypeError, ValueError):
        return 5


@dataclass
class Figure:
    """An aggregate over `n` respondents; `suppressed` when n is below the minimum group."""

    n: int = 0
    mean: float | None = None
    spread: float | None = None  # standard deviation
    distribution: dict[int, int] = field(default_factory=dict)
    suppressed: bool = True


def figure(counts: Counter[int], minimum: int) -> Figure:
    n = sum(counts.values())
    if n < minimum or n == 0:
        return Figure(n=n)
    values = [value for value, times in counts.items() for _ in range(times)]
    mean = statistics.fmean(values)
    spread = statistics.pstdev(values) if n > 1 else 0.0
    return Figure(n=n, mean=round(mean, 2), spread=round(spread, 2), distribution=dict(sorted(counts.items())),
                  suppressed=False)


@dataclass
class ResponseRate:
    kind: str
    side: str
    status: str | None  # None: no such survey yet
    invited: int
    answered: int

    @property
    def rate(self) -> float | None:
        return round(self.answered / self.invited, 3) if self.invited else None


@dataclass
class DimensionRow:
    kind: str
    side: str
    dimension: str
    figure: Figure


@dataclass
class TopicGain:
    slug: str
    name: str
    before: Figure
    after: Figure

    @property
    def suppressed(self) -> bool:
        return self.before.suppressed or self.after.suppressed

    @property
    def gain(self) -> float | None:
        if self.suppressed or self.before.mean is None or self.after.mean is None:
            return None
        return round(self.after.mean - self.before.mean, 2)


@dataclass
class Comment:
    kind: str
    side: str
    dimension: str
    text: str


@dataclass
class Multiplier:
    """Executives of a run whose mentorship is completed, and what they did afterwards."""

    executives: int = 0
    posted: int = 0
    answered: int = 0
    topic_contacts: int = 0
    any: int = 0
    suppressed: bool = True

    def share(self, count: int) -> float | None:
        return None if self.suppressed or not self.executives else round(count / self.executives, 3)


@dataclass
class SessionsPerPair:
    pairs: int = 0
    mean: float | None = None
    median: float | None = None
    histogram: dict[int, int] = field(default_factory=dict)  # done sessions -> pairs


@dataclass
class RunReport:
    cohort: Cohort
    minimum: int
    surveys: dict[str, Survey | None]
    responses: list[ResponseRate]
    dimensions: list[DimensionRow]
    competence: list[TopicGain]
    competence_overall: TopicGain  # every goal topic together (the group: people who assessed themselves)
    comments: list[Comment]
    mentorships: dict[str, int]
    sessions: dict[str, int]
    per_pair: SessionsPerPair
    goals: dict[str, int]
    multiplier: Multiplier

    def dimension(self, kind: str, side: str, dimension: str) -> Figure:
        for row in self.dimensions:
            if (row.kind, row.side, row.dimension) == (kind, side, dimension):
                return row.figure
        return Figure()

    def side_overall(self, kind: str, side: str) -> Figure:
        """Every rating of one side in one survey together (for the comparison of runs)."""
        counts: Counter[int] = Counter()
        respondents = 0
        for row in self.dimensions:
            if (row.kind, row.side) == (kind, side):
                respondents = max(respondents, row.figure.n)
                counts.update(row.figure.distribution)
        if respondents < self.minimum or not counts:
            return Figure(n=respondents)
        result = figure(counts, 1)
        result.n = respondents
        return result

    def response(self, kind: str, side: str) -> ResponseRate | None:
        return next((r for r in self.responses if (r.kind, r.side) == (kind, side)), None)

    @property
    def completed(self) -> int:
        return self.mentorships.get("completed", 0)

    @property
    def mentorships_total(self) -> int:
        """Every mentorship of the run, whatever its status (the report's headline figure)."""
        return sum(self.mentorships.values())

    @property
    def mentorships_by_status(self) -> list[tuple[str, int]]:
        """The run's mentorships per status in the order of their life (requested first)."""
        order = {status: index for index, status in enumerate(MENTORSHIP_STATUSES)}
        return sorted(((s, n) for s, n in self.mentorships.items() if n),
                      key=lambda item: (order.get(item[0], len(order)), item[0]))

    @property
    def average_gain(self) -> float | None:
        return self.competence_overall.gain


@dataclass
class _RunData:
    """Everything read for the reports of several runs, keyed by run (cohort id) or survey id."""

    minimum: int
    surveys: dict[int, dict[str, Survey | None]]  # run -> kind -> survey
    invited: dict[int, dict[str, set[int]]]  # run -> side -> people
    by_status: dict[int, dict[str, int]]  # run -> mentorships by status
    answered: dict[tuple[int, str], int]  # (survey, side) -> respondents
    rating_counts: dict[tuple[int, str, str], Counter[int]]  # (survey, side, dimension) -> ratings
    shared_comments: dict[int, list[Comment]]
    level_counts: dict[tuple[int, str, int], Counter[int]]  # (run, kind, tag) -> levels
    tags: dict[int, Tag]
    assessed: dict[int, int]  # survey -> people who assessed themselves
    sessions: dict[int, dict[str, int]]  # run -> sessions by status
    done_per_pair: dict[int, dict[int, int]]  # run -> mentorship -> done sessions
    goals: dict[int, dict[str, int]]  # run -> goals by progress
    multipliers: dict[int, Multiplier]


def _surveys(ids: list[int]) -> tuple[dict[int, dict[str, Survey | None]], dict[int, Survey]]:
    surveys: dict[int, dict[str, Survey | None]] = {i: dict.fromkeys(SURVEY_KINDS) for i in ids}
    survey_rows = db.session.scalars(select(Survey).where(Survey.cohort_id.in_(ids))).unique().all()
    for s in survey_rows:
        surveys[s.cohort_id][s.kind] = s
    return surveys, {s.id: s for s in survey_rows}


def _taking_part(ids: list[int]) -> tuple[dict[int, dict[str, set[int]]], dict[int, dict[str, int]]]:
    """Who takes part, per run and side; and the run's mentorships by status."""
    invited: dict[int, dict[str, set[int]]] = {i: {side: set() for side in SIDES} for i in ids}
    by_status: dict[int, dict[str, int]] = {i: {} for i in ids}
    for cohort_id, status, counted, mentor_id, executive_id in db.session.execute(
        select(Mentorship.cohort_id, Mentorship.status, counted_status(), Mentorship.mentor_id, Mentorship.executive_id)
        .where(Mentorship.cohort_id.in_(ids))
    ):
        assert cohort_id is not None  # in_(ids) matches no NULL
        by_status[cohort_id][counted] = by_status[cohort_id].get(counted, 0) + 1  # a handover is no completion
        if status in TAKING_PART:
            invited[cohort_id]["executive"].add(executive_id)
            invited[cohort_id]["mentor"].add(mentor_id)
    for sides in invited.values():
        sides["mentor"] -= sides["executive"]  # an executive of the run answers as executive
    return invited, by_status


def _answered(survey_by_id: dict[int, Survey]) -> dict[tuple[int, str], int]:
    answered: dict[tuple[int, str], int] = {}
    if survey_by_id:
        for survey_id, side, n in db.session.execute(
            select(SurveyParticipation.survey_id, SurveyParticipation.side, func.count())
            .where(SurveyParticipation.survey_id.in_(list(survey_by_id)))
            .group_by(SurveyParticipation.survey_id, SurveyParticipation.side)
        ):
            answered[(survey_id, side)] = n
    return answered


def _rating_counts(survey_by_id: dict[int, Survey]) -> dict[tuple[int, str, str], Counter[int]]:
    """Ratings: distribution per survey, side and dimension."""
    rating_counts: dict[tuple[int, str, str], Counter[int]] = defaultdict(Counter)
    if survey_by_id:
        for survey_id, side, dimension, rating, n in db.session.execute(
            select(SurveyItem.survey_id, SurveyItem.side, SurveyItem.dimension, SurveyRating.rating, func.count())
            .join(SurveyItem, SurveyItem.id == SurveyRating.item_id)
            .where(SurveyItem.survey_id.in_(list(survey_by_id)))
            .group_by(SurveyItem.survey_id, SurveyItem.side, SurveyItem.dimension, SurveyRating.rating)
        ):
            rating_counts[(survey_id, side, dimension)][rating] += n
    return rating_counts


def _shared_comments(survey_by_id: dict[int, Survey], answered: dict[tuple[int, str], int],
                     minimum: int) -> dict[int, list[Comment]]:
    """Shared comments per run, only of groups large enough."""
    shared_comments: dict[int, list[Comment]] = defaultdict(list)
    if survey_by_id:
        for survey_id, side, dimension, text in db.session.execute(
            select(SurveyItem.survey_id, SurveyItem.side, SurveyItem.dimension, SurveyRating.comment)
            .join(SurveyItem, SurveyItem.id == SurveyRating.item_id)
            .where(SurveyItem.survey_id.in_(list(survey_by_id)), SurveyRating.comment_shared.is_(True),
                   SurveyRating.comment.is_not(None))
            .order_by(SurveyItem.survey_id, SurveyItem.side, SurveyItem.position, SurveyRating.comment)
        ):
            assert text is not None  # filtered by is_not(None)
            survey = survey_by_id[survey_id]
            if answered.get((survey_id, side), 0) >= minimum:
                shared_comments[survey.cohort_id].append(Comment(survey.kind, side, dimension, text))
    return shared_comments


def _level_counts(survey_by_id: dict[int, Survey]) -> tuple[dict[tuple[int, str, int], Counter[int]], set[int]]:
    """Self-assessed levels per run, survey kind and topic, before (start) and after (end); and the topics."""
    level_counts: dict[tuple[int, str, int], Counter[int]] = defaultdict(Counter)
    tag_ids: set[int] = set()
    if survey_by_id:
        for survey_id, tag_id, level, n in db.session.execute(
            select(SurveyAnswerSet.survey_id, SurveyLevel.tag_id, SurveyLevel.level, func.count())
            .join(SurveyAnswerSet, SurveyAnswerSet.id == SurveyLevel.answer_set_id)
            .where(SurveyAnswerSet.survey_id.in_(list(survey_by_id)))
            .group_by(SurveyAnswerSet.survey_id, SurveyLevel.tag_id, SurveyLevel.level)
        ):
            survey = survey_by_id[survey_id]
            level_counts[(survey.cohort_id, survey.kind, tag_id)][level] += n
            tag_ids.add(tag_id)
    return level_counts, tag_ids


def _tags(tag_ids: set[int]) -> dict[int, Tag]:
    return {t.id: t for t in db.session.scalars(select(Tag).where(Tag.id.in_(tag_ids)))} if tag_ids else {}


def _assessed(survey_by_id: dict[int, Survey]) -> dict[int, int]:
    """Every topic together: the group is the people who assessed themselves, not their topics."""
    assessed: dict[int, int] = {}
    if survey_by_id:
        for survey_id, n in db.session.execute(
            select(SurveyAnswerSet.survey_id, func.count(SurveyLevel.answer_set_id.distinct()))
            .join(SurveyAnswerSet, SurveyAnswerSet.id == SurveyLevel.answer_set_id)
            .where(SurveyAnswerSet.survey_id.in_(list(survey_by_id)))
            .group_by(SurveyAnswerSet.survey_id)
        ):
            assessed[survey_id] = n
    return assessed


def _sessions(ids: list[int]) -> dict[int, dict[str, int]]:
    sessions: dict[int, dict[str, int]] = {i: {} for i in ids}
    for cohort_id, status, n, over in db.session.execute(
        select(Mentorship.cohort_id, MentoringSession.status, func.count(), sessions_over())
        .join(Mentorship, Mentorship.id == MentoringSession.mentorship_id)
        .where(Mentorship.cohort_id.in_(ids))
        .group_by(Mentorship.cohort_id, MentoringSession.status)
    ):
        assert cohort_id is not None  # in_(ids) matches no NULL
        add_session_count(sessions[cohort_id], status, n, over)  # planned and over: "not_recorded"
    return sessions


def _done_per_pair(ids: list[int]) -> dict[int, dict[int, int]]:
    """Run -> mentorship -> its done sessions. A mentorship handed over to a new mentor goes on
    as one (its executive's mentoring): the sessions of every mentorship it continues count with
    the first one, not as another pair with fewer sessions."""
    done_per_pair: dict[int, dict[int, int]] = {i: {} for i in ids}
    done = func.count(MentoringSession.id).filter(MentoringSession.status == "done")
    rows = db.session.execute(
        select(Mentorship.cohort_id, Mentorship.id, Mentorship.continues_id, done)
        .outerjoin(MentoringSession, MentoringSession.mentorship_id == Mentorship.id)
        .where(Mentorship.cohort_id.in_(ids), Mentorship.status.in_(TAKING_PART))
        .group_by(Mentorship.cohort_id, Mentorship.id, Mentorship.continues_id)
    ).all()
    continues = {mentorship_id: (cohort_id, previous) for cohort_id, mentorship_id, previous, _n in rows}

    def first_of(cohort_id: int, mentorship_id: int) -> int:
        seen = {mentorship_id}
        previous = continues[mentorship_id][1]
        while previous in continues and continues[previous][0] == cohort_id and previous not in seen:
            mentorship_id = previous
            seen.add(previous)
            previous = continues[previous][1]
        return mentorship_id

    for cohort_id, mentorship_id, _previous, n in rows:
        assert cohort_id is not None  # in_(ids) matches no NULL
        first = first_of(cohort_id, mentorship_id)
        done_per_pair[cohort_id][first] = done_per_pair[cohort_id].get(first, 0) + n
    return done_per_pair


def _goals(ids: list[int]) -> dict[int, dict[str, int]]:
    goals: dict[int, dict[str, int]] = {i: dict.fromkeys(GOAL_PROGRESS, 0) for i in ids}
    for cohort_id, progress, n in db.session.execute(
        select(Mentorship.cohort_id, MentorshipGoal.progress, func.count())
        .join(Mentorship, Mentorship.id == MentorshipGoal.mentorship_id)
        .where(Mentorship.cohort_id.in_(ids), Mentorship.status.in_(TAKING_PART))
        .group_by(Mentorship.cohort_id, MentorshipGoal.progress)
    ):
        assert cohort_id is not None  # in_(ids) matches no NULL
        goals[cohort_id][progress] = n
    return goals


def _read(ids: list[int], minimum: int) -> _RunData:
    """Every statement of the reports, in a fixed number whatever the number of runs."""
    surveys, survey_by_id = _surveys(ids)
    invited, by_status = _taking_part(ids)
    answered = _answered(survey_by_id)
    rating_counts = _rating_counts(survey_by_id)
    shared_comments = _shared_comments(survey_by_id, answered, minimum)
    level_counts, tag_ids = _level_counts(survey_by_id)
    tags = _tags(tag_ids)
    assessed = _assessed(survey_by_id)
    sessions = _sessions(ids)
    done_per_pair = _done_per_pair(ids)
    goals = _goals(ids)
    return _RunData(
        minimum=minimum, surveys=surveys, invited=invited, by_status=by_status, answered=answered,
        rating_counts=rating_counts, shared_comments=shared_comments, level_counts=level_counts, tags=tags,
        assessed=assessed, sessions=sessions, done_per_pair=done_per_pair, goals=goals,
        multipliers=_multipliers(ids, minimum),
    )


def _responses_and_dimensions(data: _RunData, cid: int) -> tuple[list[ResponseRate], list[DimensionRow]]:
    responses: list[ResponseRate] = []
    dimensions: list[DimensionRow] = []
    for kind in SURVEY_KINDS:
        run_survey = data.surveys[cid][kind]
        for side in SIDES:
            responses.append(ResponseRate(kind, side, run_survey.status if run_survey else None,
                                          len(data.invited[cid][side]),
                                          data.answered.get((run_survey.id, side), 0) if run_survey else 0))
            for dimension in DIMENSIONS[side]:
                counts = (data.rating_counts.get((run_survey.id, side, dimension), Counter()) if run_survey
                          else Counter())
                dimensions.append(DimensionRow(kind, side, dimension, figure(counts, data.minimum)))
    return responses, dimensions


def _overall_figure(data: _RunData, cid: int, kind: str) -> Figure:
    """Every goal topic of one survey together; the group is the people who assessed themselves."""
    counts: Counter[int] = Counter()
    for (c, k, _tag), levels_of_topic in data.level_counts.items():
        if (c, k) == (cid, kind):
            counts.update(levels_of_topic)
    run_survey = data.surveys[cid][kind]
    people = data.assessed.get(run_survey.id, 0) if run_survey else 0
    result = figure(counts, 1) if people >= data.minimum and counts else Figure()
    result.n = people
    return result


def _competence_overall(data: _RunData, cid: int) -> TopicGain:
    overall = {kind: _overall_figure(data, cid, kind) for kind in SURVEY_KINDS}
    return TopicGain(slug="", name="", before=overall["start"], after=overall["end"])


def _competence(data: _RunData, cid: int) -> list[TopicGain]:
    """The levels before and after per goal topic of the run, by topic name."""
    tags = data.tags
    topic_ids = {tag_id for (c, _k, tag_id) in data.level_counts if c == cid}
    competence: list[TopicGain] = []
    for tag_id in sorted(topic_ids, key=lambda t: tags[t].display_name.lower() if t in tags else ""):
        if tag_id not in tags:
            continue
        competence.append(TopicGain(
            slug=tags[tag_id].slug, name=tags[tag_id].display_name,
            before=figure(data.level_counts.get((cid, "start", tag_id), Counter()), data.minimum),
            after=figure(data.level_counts.get((cid, "end", tag_id), Counter()), data.minimum),
        ))
    return competence


def _per_pair(done_per_pair: dict[int, int]) -> SessionsPerPair:
    per_pair_counts = list(done_per_pair.values())
    per_pair = SessionsPerPair(pairs=len(per_pair_counts))
    if per_pair_counts:
        per_pair.mean = round(statistics.fmean(per_pair_counts), 1)
        per_pair.median = float(statistics.median(per_pair_counts))
        per_pair.histogram = dict(sorted(Counter(per_pair_counts).items()))
    return per_pair


def _run_report(data: _RunData, cohort: Cohort) -> RunReport:
    cid = cohort.id
    responses, dimensions = _responses_and_dimensions(data, cid)
    return RunReport(
        cohort=cohort, minimum=data.minimum, surveys=data.surveys[cid], responses=responses, dimensions=dimensions,
        competence=_competence(data, cid), competence_overall=_competence_overall(data, cid),
        comments=data.shared_comments.get(cid, []), mentorships=data.by_status[cid],
        sessions=data.sessions[cid], per_pair=_per_pair(data.done_per_pair[cid]), goals=data.goals[cid],
        multiplier=data.multipliers[cid],
    )


def run_reports(cohorts: list[Cohort]) -> dict[int, RunReport]:
    """The reports of several runs, built with the same statements whatever their number."""
    minimum = min_group()
    ids = [c.id for c in cohorts]
    if not ids:
        return {}
    data = _read(ids, minimum)
    return {cohort.id: _run_report(data, cohort) for cohort in cohorts}


def _multipliers(ids: list[int], minimum: int) -> dict[int, Multiplier]:
    """Executives with a completed mentorship in a run who afterwards posted in the community,
    answered someone else's thread or a question asked to them as a topic contact, or became a
    contact for a topic (practitioner or expert)."""
    finished = (
        select(Mentorship.cohort_id.label("cohort_id"), Mentorship.executive_id.label("person_id"),
               func.min(Mentorship.completed_at).label("done_at"))
        .where(Mentorship.cohort_id.in_(ids), Mentorship.status == "completed", Mentorship.completed_at.is_not(None),
               Mentorship.handed_over_at.is_(None))
        .group_by(Mentorship.cohort_id, Mentorship.executive_id)
        .subquery()
    )
    people: dict[int, set[int]] = defaultdict(set)
    for cohort_id, person_id in db.session.execute(select(finished.c.cohort_id, finished.c.person_id)):
        people[cohort_id].add(person_id)
    visible_post = and_(Post.author_id == finished.c.person_id, Post.created_at > finished.c.done_at,
                        Post.deleted_at.is_(None), Post.hidden.is_(False),
                        Post.thread_id.not_in(select(Thread.id).where(Thread.removed_at.is_not(None))))
    posted: dict[int, set[int]] = defaultdict(set)
    for cohort_id, person_id in db.session.execute(
        select(finished.c.cohort_id, finished.c.person_id).join(Post, visible_post).distinct()
    ):
        posted[cohort_id].add(person_id)
    answered: dict[int, set[int]] = defaultdict(set)
    for cohort_id, person_id in db.session.execute(
        select(finished.c.cohort_id, finished.c.person_id).join(Post, visible_post)
        .join(Thread, Thread.id == Post.thread_id)
        .where((Thread.author_id.is_(None)) | (Thread.author_id != finished.c.person_id))
        .distinct()
    ):
        answered[cohort_id].add(person_id)
    for cohort_id, person_id in db.session.execute(
        select(finished.c.cohort_id, finished.c.person_id)
        .join(Answer, and_(Answer.author_id == finished.c.person_id, Answer.created_at > finished.c.done_at))
        .join(Question, and_(Question.id == Answer.question_id, Question.contact_id == finished.c.person_id))
        .distinct()
    ):
        answered[cohort_id].add(person_id)
    contacts: dict[int, set[int]] = defaultdict(set)
    for cohort_id, person_id in db.session.execute(
        select(finished.c.cohort_id, finished.c.person_id)
        .join(PersonTag, and_(PersonTag.user_id == finished.c.person_id, PersonTag.level.in_(CONTACT_LEVELS),
                              PersonTag.updated_at > finished.c.done_at))
        .distinct()
    ):
        contacts[cohort_id].add(person_id)
    result = {}
    for cid in ids:
        total = len(people[cid])
        if total < minimum or total == 0:
            result[cid] = Multiplier(executives=total)
            continue
        result[cid] = Multiplier(
            executives=total, posted=len(posted[cid]), answered=len(answered[cid]), topic_contacts=len(contacts[cid]),
            any=len(posted[cid] | answered[cid] | contacts[cid]), suppressed=False,
        )
    return result


def run_report(cohort: Cohort) -> RunReport:
    return run_reports([cohort])[cohort.id]


def all_runs() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(Cohort.starts_on, Cohort.id)))


def rounded(value: float | None, places: int = 1) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.{places}f}"
