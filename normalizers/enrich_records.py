"""Analyst records derived from a plan's projects: who runs them and what they are about.

`enrich(projects)` turns the `PlanProject`s of one notice into
`OrganizationMention`s (one per organisation and role, names canonicalised by
`normalizers.orgs`) and `ProjectTopic`s (one per topic `normalizers.topics` reads
from the project name). Field names equal the columns of `staging.organization_mentions`
and `staging.project_topics`; the loader adds `doc_id`.
"""

from __future__ import annotations

from collections.abc import Iterable

from .orgs import org_type, split_orgs
from .records import OrganizationMention, PlanProject, ProjectTopic
from .text import clean_text
from .topics import classify_topics

__all__ = ["OrganizationMention", "ProjectTopic", "enrich"]


def _mentions(project: PlanProject) -> Iterable[OrganizationMention]:
    roles = (
        ("host", project.host_org),
        ("applicant", project.applicant_org),
        ("sponsor", project.sponsor_org),
        ("supervising", project.supervising_dept),
    )
    for role, cell in roles:
        if not cell:
            continue
        raw = clean_text(cell)
        # One cell may name several organisations (联合承办: "华中科技大学、武汉大学").
        for name in split_orgs(cell):
            yield OrganizationMention(
                notice_id=project.notice_id,
                plan_year=project.plan_year,
                region=project.region,
                org_name=name,
                raw_name=raw,
                org_type=org_type(name),
                role=role,
                project_name=project.project_name,
            )


def _topics(project: PlanProject) -> Iterable[ProjectTopic]:
    for topic in classify_topics(project.project_name):
        yield ProjectTopic(
            notice_id=project.notice_id,
            plan_year=project.plan_year,
            region=project.region,
            funding_type=project.funding_type,
            seq=project.seq,
            project_name=project.project_name,
            topic=topic,
        )


def enrich(projects: Iterable[PlanProject]) -> tuple[object, ...]:
    """The organisation mentions and topics of a notice's projects, project by project."""
    records: list[object] = []
    for project in projects:
        records.extend(_mentions(project))
        records.extend(_topics(project))
    return tuple(records)
