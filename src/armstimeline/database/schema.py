"""The database schema: a normalised model plus denormalised columns for faceting."""

from __future__ import annotations

__all__ = ["EVENT_TABLES", "INDEXES", "SCHEMA", "SCHEMA_VERSION", "VIEWS"]

SCHEMA_VERSION = "11"

SCHEMA = """
create table build_info (key text primary key, value text not null);
create table files (
    name text primary key, sha256 text not null, size integer not null,
    mtime_ns integer not null, event_id text not null
);
create table kinds (
    id text primary key, description text not null,
    given_in_trade integer not null  -- 1: the given side of a quid-pro-quo pair
);
create table roles (id text primary key, description text not null);
create table regions (id text primary key, name text not null);
create table relation_types (
    id text primary key, description text not null, symmetric integer not null, inverse text
);
create table countries (
    code text primary key, name text not null,
    region text not null references regions(id)
);
create table systems (
    name text primary key, category text not null, origin text references countries(code),
    aliases text not null
);
create table sources (
    id text primary key, title text not null, publisher text, author text,
    published text, url text, file text, checked_locally integer not null, note text
);
create table events (
    id text primary key,
    title text not null,
    date text not null,
    precision text not null,
    is_interval integer not null,
    earliest text not null,
    latest text not null,
    qualifiers text,
    date_basis text not null,
    year integer not null,
    end_year integer not null,
    decade integer not null,
    kind text not null references kinds(id),
    region text references regions(id),
    regions text not null,
    countries text not null,
    suppliers text not null,
    recipients text not null,
    systems text not null,
    tags text not null,
    summary text not null,
    quotes text not null,
    note text,
    latitude real,
    longitude real,
    sort_order integer not null,
    origin text not null  -- 'curated' (written by editors) or 'register' (imported)
);
-- an imported event's register block: the row it came from (its order and delivery
-- events share the row key) and what the row says beyond the model
create table registers (
    event_id text primary key references events(id),
    row text not null,
    designation text not null,
    description text not null,
    status text,
    delivered text not null,  -- JSON array of delivery years
    digest text,
    editions text not null,  -- JSON array: the register editions (dates) listing the row
    changes text not null  -- JSON array: what SIPRI changed, "Number delivered: 12 -> 14"
);
-- the current rows of the registered registers (SIPRI's columns as read) and each one's
-- delivered TIV spread over its listed delivery years (an estimate): see figures.tables
create table transfers (
    id text primary key, source_id text not null, edition text not null,
    recipient text not null, recipient_key text not null, recipient_type text not null,
    supplier text not null, supplier_key text not null, supplier_type text not null,
    year_of_order integer not null, year_uncertain integer not null,
    ordered integer, ordered_uncertain integer not null,
    designation text not null, description text not null, category text not null,
    status text, comments text, delivered integer, delivered_uncertain integer not null,
    delivery_years text not null, tiv_unit real, tiv_order real, tiv_delivered real,
    order_event text not null, delivery_event text
);
-- what each registered register file covers (its scope: JSON arrays, empty for everyone),
-- so a page gives a figure only where the files cover it
create table register_scopes (
    source_id text primary key, edition text not null, suppliers text not null,
    recipients text not null, delivery_years text
);
-- events of register rows a newer edition no longer lists: not in events (left out of
-- every list), kept for their pages
create table withdrawn_events (
    id text primary key, withdrawn_in text not null, kind text not null, date text not null,
    title text not null, summary text not null, quote text not null, source_id text not null,
    row text not null, editions text not null, changes text not null
);
create table transfer_years (
    transfer_id text not null references transfers(id), year integer not null,
    tiv_estimate real not null, listed_years integer not null, exact integer not null
);
create table actors (
    event_id text not null references events(id),
    type text not null,  -- state, organisation, group, unknown or unmapped
    country text references countries(code),  -- a state's code, or a group's country
    name text,  -- an organisation's or a group's name
    role text not null references roles(id)
);
create table event_systems (
    event_id text not null references events(id),
    system text not null references systems(name),
    primary key (event_id, system)
);
create table event_tags (
    event_id text not null references events(id),
    tag text not null,
    primary key (event_id, tag)
);
create table event_regions (
    event_id text not null references events(id),
    region text not null references regions(id),
    primary key (event_id, region)
);
create table amounts (
    id integer primary key,
    event_id text not null references events(id),
    value real not null,
    currency text,
    unit text,
    what text not null,
    bound text,  -- at_least, at_most, about, uncertain: how the source qualifies the value
    upper real   -- the top of a range the source gives; value is its bottom
);
create table places (
    id integer primary key,
    event_id text not null references events(id),
    name text not null,
    latitude real not null,
    longitude real not null
);
create table citations (
    id integer primary key,
    event_id text not null references events(id),
    source_id text not null references sources(id),
    quote text not null
);
create table relations (
    from_event text not null references events(id),
    to_event text not null references events(id),
    type text not null references relation_types(id),
    primary key (from_event, to_event, type)
);
create table facet_counts (
    facet text not null, value not null, count integer not null,
    primary key (facet, value)
) without rowid;
create table facet_members (
    facet text not null, value not null, members blob not null,
    primary key (facet, value)
) without rowid;
"""

# facet_counts and facet_members hold what the build stores for the facets metadata.yml
# configures (see database.facets and database.members): events per value, and which
# events (a bitmap of events.rowid), so no page at a million events counts them live.
# Each faceted events column leads an index that goes on in timeline order, so a view
# filtered to one value reads its first page in order instead of sorting every match
# (600 ms for a value 85% of a million events have).

INDEXES = """
create index idx_events_sort on events(sort_order);
create index idx_events_kind on events(kind, sort_order);
create index idx_events_year on events(year, sort_order);
create index idx_events_decade on events(decade, sort_order);
create index idx_events_precision on events(precision, sort_order);
create index idx_events_qualifiers on events(qualifiers, sort_order);
create index idx_events_region on events(region, sort_order);
create index idx_events_earliest on events(earliest, latest);
create index idx_actors_country on actors(country, event_id);
-- covering: a filtered view's country facet counts through it without reading the rows
create index idx_actors_event on actors(event_id, country);
create index idx_actors_name on actors(name, event_id);
create index idx_events_origin on events(origin, sort_order);
create index idx_registers_row on registers(row);
create index idx_actors_role on actors(role, country);
create index idx_transfers_recipient on transfers(recipient_key, supplier_key);
create index idx_transfers_supplier on transfers(supplier_key, recipient_key);
create index idx_transfer_years on transfer_years(year, transfer_id);
create index idx_transfer_years_transfer on transfer_years(transfer_id);
create index idx_event_systems_system on event_systems(system, event_id);
create index idx_event_tags_tag on event_tags(tag, event_id);
create index idx_event_regions_region on event_regions(region, event_id);
create index idx_amounts_event on amounts(event_id);
create index idx_places_event on places(event_id);
create index idx_citations_event on citations(event_id);
create index idx_citations_source on citations(source_id);
create index idx_relations_to on relations(to_event, type);
"""

VIEWS = """
create view timeline as
select
    e.date as date,
    e.precision as precision,
    e.title as title,
    e.kind as kind,
    e.countries as countries,
    e.systems as systems,
    e.earliest as earliest,
    e.latest as latest,
    e.id as id
from events e
order by e.sort_order;

create view quid_pro_quo as
select
    a.id as event_id, a.date as event_date, a.title as event_title,
    b.id as traded_for_id, b.date as traded_for_date, b.title as traded_for_title,
    b.kind as traded_for_kind
from relations r
join events a on a.id = r.from_event
join events b on b.id = r.to_event
join kinds ka on ka.id = a.kind
join kinds kb on kb.id = b.kind
where r.type = 'quid_pro_quo'
  and (ka.given_in_trade > kb.given_in_trade
       or (ka.given_in_trade = kb.given_in_trade and a.sort_order < b.sort_order))
order by a.sort_order, b.sort_order;
"""


EVENT_TABLES = (
    "events",
    "actors",
    "event_systems",
    "event_tags",
    "event_regions",
    "amounts",
    "places",
    "citations",
    "relations",
    "registers",
)
