"""Spec models for change data capture (practices 4.2 and 4.6): Debezium reads a database's own change log and
publishes each row change to Kafka, so other contexts follow the system of record without polling it or
dual writes, and the outbox table's events leave in the same transaction as the data they describe.

A source names the broker it publishes to; the broker's kind decides where the connector runs: an `msk`
broker gets an MSK Connect connector in its VPC, a `strimzi-kafka` broker a Strimzi KafkaConnect cluster
beside it (on-prem clusters included, reaching the database over the site's network). The database side
(logical decoding, row binlogs, SQL Server CDC) is prepared by its DBAs before the stack and declared here,
so `hybrid prerequisites ENV` lists it with how to verify it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Literal, Optional

from pydantic import Field

from .base import Name, Problem, SpecModel
from .brokers import KafkaBroker, MskBroker, StrimziKafkaBroker

if TYPE_CHECKING:
    from .environment import EnvironmentSpec

Engine = Literal["postgresql", "mysql", "sqlserver"]
DEFAULT_PORTS: dict[str, int] = {"postgresql": 5432, "mysql": 3306, "sqlserver": 1433}
# Debezium's snapshot modes shared by its PostgreSQL, MySQL and SQL Server connectors (2.7):
# https://debezium.io/documentation/reference/2.7/connectors/postgresql.html#postgresql-property-snapshot-mode
SnapshotMode = Literal["initial", "initial_only", "no_data", "when_needed", "always"]
# A captured table as Debezium's table.include.list names it: <schema>.<table> (MySQL: <database>.<table>).
TABLE_RE = r"^[A-Za-z_][A-Za-z0-9_$]*\.[A-Za-z_][A-Za-z0-9_$]*$"
# Kafka topic names: letters, digits, '.', '_' and '-' (and at most 249 characters).
TOPIC_PREFIX_RE = r"^[a-zA-Z0-9_-][a-zA-Z0-9._-]{0,99}$"
S3_BUCKET_RE = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
# A Strimzi-built image is pushed to the registry it names; a pinned one is referred to by digest.
PINNED_IMAGE_RE = r"^[a-z0-9.-]+(:\d+)?/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$"


class CapturedTable(SpecModel):
    """One table whose row changes the connector publishes, and the entity it carries (if any)."""

    name: str = Field(pattern=TABLE_RE, description="<schema>.<table> (MySQL: <database>.<table>)",
                      examples=["public.invoices"])
    entity: Optional[Name] = Field(default=None, description="data.entities[].name whose changes the table "
                                   "carries; a critical entity's changes also reach the audit store")


class DatabaseSetup(SpecModel):
    """What the database's owners set up before the stack (declared, listed by `hybrid prerequisites`)."""

    slot: Optional[str] = Field(default=None, pattern=r"^[a-z0-9_]{1,63}$",
                                description="PostgreSQL: the logical replication slot (plugin pgoutput) Debezium "
                                            "streams from; the server runs with wal_level=logical")
    publication: Optional[str] = Field(default=None, pattern=r"^[a-z_][a-z0-9_]{0,62}$",
                                       description="PostgreSQL: the publication FOR TABLE the captured tables "
                                                   "(created by the DBA; Debezium does not autocreate it)")
    server_id: Optional[int] = Field(default=None, ge=1, le=4294967295,
                                     description="MySQL: the replication client id Debezium uses, unique among the "
                                                 "server's replicas; the server runs binlog_format=ROW and "
                                                 "binlog_row_image=FULL")


class OutboxRouting(SpecModel):
    """Debezium's outbox event router (practice 4.6): events written to an outbox table in the business
    transaction are routed to one topic per aggregate type, so publishing never diverges from the data."""

    table: str = Field(pattern=TABLE_RE, description="the outbox table (one of the captured tables)")
    route_by_field: str = Field(default="aggregatetype", pattern=r"^[a-z_][a-z0-9_]*$",
                                description="outbox column whose value names the destination topic")


class MskConnectPlugin(SpecModel):
    """Where the MSK Connect custom plugin's archive lies: an S3 object uploaded before the stack, holding the
    Debezium connector, the MSK IAM auth library and the Secrets Manager config provider."""

    bucket: str = Field(pattern=S3_BUCKET_RE, description="S3 bucket (in the connector's region)")
    key: str = Field(pattern=r"^[\w./-]+\.(zip|jar)$", description="object key of the .zip or .jar")
    object_version: Optional[str] = Field(default=None, min_length=1,
                                          description="the object's version id, pinning the archive exactly")


class MskConnectRuntime(SpecModel):
    """Runtime settings of an MSK Connect connector (sources on an `msk` broker)."""

    plugin: MskConnectPlugin = Field(description="the custom plugin's S3 location (a prerequisite)")
    workers: int = Field(default=1, ge=1, le=10, description="provisioned workers (a Debezium source runs one task)")
    mcu_count: Literal[1, 2, 4, 8] = Field(default=1, description="MSK Connect units per worker")


class StrimziBuild(SpecModel):
    """Strimzi builds the Connect image with the plugin archive and pushes it to the registry named."""

    artifact_url: str = Field(pattern=r"^https://[^\s]+\.(tar\.gz|tgz|zip|jar)$",
                              description="the Debezium connector plugin archive (e.g. from Maven Central)")
    sha512: str = Field(pattern=r"^[0-9a-f]{128}$", description="the archive's SHA-512: the build refuses any other")
    output_image: str = Field(pattern=r"^[a-z0-9.-]+(:\d+)?/[a-z0-9._/-]+:[\w.-]+$",
                              description="registry/repository:tag the built image is pushed to")
    push_secret: Optional[str] = Field(default=None, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
                                       description="docker-registry Secret in the Connect namespace for the push")


class StrimziRuntime(SpecModel):
    """Runtime settings of a Strimzi KafkaConnect cluster (sources on a `strimzi-kafka` broker)."""

    image: Optional[str] = Field(default=None, pattern=PINNED_IMAGE_RE,
                                 description="a Connect image with the Debezium plugin, pinned by digest")
    build: Optional[StrimziBuild] = Field(default=None, description="or: have Strimzi build the image")
    replicas: int = Field(default=1, ge=1, le=10, description="Connect workers")


class SinkArtifact(SpecModel):
    """A connector plugin archive Strimzi adds to the image it builds, refused unless its checksum matches."""

    url: str = Field(pattern=r"^https://[^\s]+\.(tar\.gz|tgz|zip|jar)$", description="the plugin archive")
    sha512: str = Field(pattern=r"^[0-9a-f]{128}$", description="the archive's SHA-512")


class AuditSink(SpecModel):
    """How a source's critical entities reach the object-locked audit store (practice 5.3): one S3 sink connector
    per critical entity, reading only that entity's change topics and writing only under
    cdc/<source>/<entity>/ of the audit bucket. The plugin is Confluent's S3 sink (kafka-connect-s3), a release
    with `s3.send.digest` (confluentinc/kafka-connect-storage-cloud#757), so every part it uploads carries the
    Content-MD5 an Object Lock bucket demands."""

    plugin: Optional[MskConnectPlugin] = Field(default=None, description="msk brokers: the S3 sink plugin archive's "
                                               "S3 location (a prerequisite, like the Debezium plugin)")
    artifact: Optional[SinkArtifact] = Field(default=None, description="strimzi build: the S3 sink plugin archive "
                                             "Strimzi adds to the Connect image")
    image_includes_plugin: bool = Field(default=False, description="strimzi image: the pinned Connect image also "
                                        "carries the S3 sink plugin (stated explicitly: a new image must keep it)")
    pod_identity_webhook: bool = Field(default=False, description=(
        "strimzi on a cluster outside EKS: the cluster runs the (self-hosted) pod identity webhook, which projects "
        "the web-identity token into the Connect pods of the annotated service account; Strimzi 0.45's pod "
        "template cannot mount a projected token volume itself"))
    flush_records: int = Field(default=1000, ge=1, le=1000000, description="records per object (flush.size)")
    rotate_seconds: int = Field(default=300, ge=10, le=86400,
                                description="an object is closed at least this often (rotate.schedule.interval.ms)")


class CdcSource(SpecModel):
    """One database whose changes Debezium captures (practice 4.2)."""

    name: Name = Field(description="source name: names the connector, its topics' default prefix and alarms")
    owner: str = Field(min_length=1, description="bounded context that owns the database (tags, catalog, alarms)")
    engine: Engine = Field(description="the database engine: decides the Debezium connector")
    host: str = Field(pattern=r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$",
                      description="database host name, resolvable from where the connector runs")
    port: Optional[int] = Field(default=None, ge=1, le=65535, description="default the engine's (5432, 3306, 1433)")
    database: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_$-]{0,62}$", description="the database captured")
    site: Optional[str] = Field(default=None, description="sites[].name when the database is on-prem (the "
                                "connector reaches it over the hybrid link); absent: inside the broker's network")
    login: Optional[Name] = Field(default=None, description=(
        "the database login by reference (required): secrets.secrets[].name, a Secrets Manager secret holding JSON "
        "keys username and password that the database team puts; the connector reads it at runtime"))
    setup: DatabaseSetup = Field(default_factory=DatabaseSetup,
                                 description="the database-side prerequisites the DBAs created (engine-specific)")
    tables: list[CapturedTable] = Field(min_length=1, description="tables captured, each optionally its entity")
    broker: Name = Field(description="messaging.brokers[].name (kind msk or strimzi-kafka) the changes go to")
    topic_prefix: Optional[str] = Field(default=None, pattern=TOPIC_PREFIX_RE,
                                        description="Debezium topic.prefix: topics are <prefix>.<schema>.<table>; "
                                                    "default the source name")
    snapshot_mode: SnapshotMode = Field(default="initial", description="what Debezium reads before streaming")
    heartbeat_seconds: int = Field(default=30, ge=1, le=3600,
                                   description="heartbeat interval: keeps offsets (and a PostgreSQL slot) moving "
                                               "while the captured tables are quiet")
    max_lag_seconds: int = Field(default=300, ge=10, description="alarm when the connector trails the database by more")
    outbox: Optional[OutboxRouting] = Field(default=None, description="route an outbox table's events by aggregate")
    msk_connect: Optional[MskConnectRuntime] = Field(default=None, description="runtime on an msk broker")
    strimzi: Optional[StrimziRuntime] = Field(default=None, description="runtime on a strimzi-kafka broker")
    audit_sink: Optional[AuditSink] = Field(default=None, description="required when a table carries a critical "
                                            "entity: the S3 sink into the audit bucket")

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.engine]

    @property
    def prefix(self) -> str:
        return self.topic_prefix or self.name

    def topic(self, table: str) -> str:
        """The topic Debezium writes a table's changes to: <prefix>.<schema>.<table>."""
        return f"{self.prefix}.{table}"

    def entity_topics(self, entities: frozenset[str] | set[str]) -> dict[str, list[str]]:
        """entity -> the topics its tables' changes go to, for the entities named (e.g. the critical ones)."""
        found: dict[str, list[str]] = {}
        for table in self.tables:
            if table.entity is not None and table.entity in entities:
                found.setdefault(table.entity, []).append(self.topic(table.name))
        return found

    @property
    def address(self) -> str:
        """The database as a URL: the checklist's identifier of the prerequisite."""
        return f"{self.engine}://{self.host}:{self.effective_port}/{self.database}"


class CdcSpec(SpecModel):
    sources: list[CdcSource] = Field(default_factory=list,
                                     description="databases captured by Debezium connectors (practices 4.2, 4.6)")


# What each engine needs before the first snapshot, as the checklist states it.
ENGINE_SETUP: dict[str, str] = {
    "postgresql": "wal_level=logical; replication slot {slot} (plugin pgoutput); publication {publication} FOR TABLE "
                  "{tables}; the CDC login has REPLICATION and SELECT on them",
    "mysql": "binlog_format=ROW, binlog_row_image=FULL, binlog retention longer than any connector outage; the CDC "
             "login has SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT; server id {server_id}",
    "sqlserver": "SQL Server Agent running; CDC enabled on the database (sys.sp_cdc_enable_db) and on {tables} "
                 "(sys.sp_cdc_enable_table); the CDC login reads the cdc schema",
}


def setup_purpose(source: CdcSource) -> str:
    tables = ", ".join(t.name for t in source.tables)
    return ENGINE_SETUP[source.engine].format(slot=source.setup.slot, publication=source.setup.publication,
                                              server_id=source.setup.server_id, tables=tables)


def connect_namespace(broker: str) -> str:
    """The namespace a strimzi-kafka broker runs in, where its Connect cluster joins it (the KafkaUser's
    certificate Secret lives there); components.messaging.in_cluster.namespace_name is the same rule."""
    return f"msg-{broker}"


def connect_name(source: CdcSource) -> str:
    """The Strimzi KafkaConnect (and the ExternalSecret's workload) of a source."""
    return f"cdc-{source.name}"


def _setup(base: str, source: CdcSource) -> Iterator[Problem]:
    needs = {"postgresql": ("slot", "publication"), "mysql": ("server_id",), "sqlserver": ()}[source.engine]
    for field in ("slot", "publication", "server_id"):
        value = getattr(source.setup, field)
        if field in needs and value is None:
            yield f"{base}.setup.{field}", f"required for engine {source.engine}: {setup_purpose(source).split(';')[0]}"
        elif field not in needs and value is not None:
            yield f"{base}.setup.{field}", f"engine {source.engine} takes no {field}; remove it"


def _runtime(base: str, source: CdcSource, spec: "EnvironmentSpec") -> Iterator[Problem]:
    brokers = {b.name: b for b in spec.messaging.brokers}
    broker = brokers.get(source.broker)
    if not isinstance(broker, KafkaBroker):
        kafka = sorted(b.name for b in spec.messaging.brokers if isinstance(b, KafkaBroker))
        yield f"{base}.broker", (f"expected a Kafka broker of kind msk or strimzi-kafka "
                                 f"({', '.join(kafka) or 'none defined'}), got {source.broker!r}")
        return
    if isinstance(broker, MskBroker):
        auth = broker.client_auth or "iam"
        if auth != "iam":
            yield f"{base}.broker", (f"broker {broker.name} authenticates clients with {auth.upper()}; MSK Connect "
                                     "authenticates to a cluster only with IAM or none: expected an msk broker with "
                                     "client_auth iam")
        if source.msk_connect is None:
            yield f"{base}.msk_connect", f"broker {broker.name} is MSK: expected msk_connect with the plugin location"
        if source.strimzi is not None:
            yield f"{base}.strimzi", f"broker {broker.name} is MSK, so the connector runs on MSK Connect; remove strimzi"
    else:
        if source.strimzi is None:
            yield f"{base}.strimzi", f"broker {broker.name} runs on Strimzi: expected strimzi with image or build"
        elif (source.strimzi.image is None) == (source.strimzi.build is None):
            yield f"{base}.strimzi", "expected exactly one of image (pinned by digest) or build"
        if source.msk_connect is not None:
            yield f"{base}.msk_connect", f"broker {broker.name} runs on Strimzi; remove msk_connect"


def audit_prefix(source: CdcSource, entity: str) -> str:
    """Where a critical entity's changes land in the audit bucket (no trailing slash: the sink's topics.dir)."""
    return f"cdc/{source.name}/{entity}"


def critical_entities(spec: "EnvironmentSpec") -> frozenset[str]:
    return frozenset(e.name for e in spec.data.entities if e.critical)


def _audit(base: str, source: CdcSource, spec: "EnvironmentSpec") -> Iterator[Problem]:
    critical = critical_entities(spec)
    topics = source.entity_topics(critical)
    sink = source.audit_sink
    if source.outbox is not None:
        for j, table in enumerate(source.tables):
            if table.name == source.outbox.table and table.entity in critical:
                yield f"{base}.tables[{j}].entity", (
                    "the outbox table's events are routed to topics by aggregate type, not to its table's topic; "
                    "expected a critical entity on the table that holds it")
    if not topics:
        if sink is not None:
            yield f"{base}.audit_sink", "no table carries a critical entity (data.entities[].critical); remove it"
        return
    if sink is None:
        yield f"{base}.audit_sink", (f"tables carry critical entities ({', '.join(sorted(topics))}), whose changes "
                                     "must reach the object-locked audit store: expected audit_sink")
        return
    broker = next((b for b in spec.messaging.brokers if b.name == source.broker), None)
    if not isinstance(broker, KafkaBroker):
        return  # _runtime reports it
    home = spec.regions.aws.primary.region
    if isinstance(broker, MskBroker):
        if sink.plugin is None:
            yield f"{base}.audit_sink.plugin", "broker is MSK: expected the S3 sink plugin's S3 location"
        for field in ("artifact", "image_includes_plugin", "pod_identity_webhook"):
            if getattr(sink, field):
                yield f"{base}.audit_sink.{field}", "a Strimzi setting; this source runs on MSK Connect: remove it"
        if broker.region != home:
            yield f"{base}.broker", (
                f"broker {broker.name} is in {broker.region} but the audit bucket is in {home}: the sink's workers "
                "reach S3 only through their VPC's S3 gateway endpoint, which serves buckets of its own region; "
                f"expected the broker in {home}")
        return
    if sink.plugin is not None:
        yield f"{base}.audit_sink.plugin", "an MSK Connect setting; this source runs on Strimzi: remove it"
    runtime = source.strimzi
    if runtime is not None and runtime.build is not None:
        if sink.artifact is None:
            yield f"{base}.audit_sink.artifact", "Strimzi builds the Connect image: expected the S3 sink plugin archive"
        if sink.image_includes_plugin:
            yield f"{base}.audit_sink.image_includes_plugin", ("Strimzi builds the Connect image (the artifact adds "
                                                               "the plugin): remove it")
    if runtime is not None and runtime.image is not None:
        if sink.artifact is not None:
            yield f"{base}.audit_sink.artifact", "the Connect image is pinned, not built: remove it"
        if not sink.image_includes_plugin:
            yield f"{base}.audit_sink.image_includes_plugin", (
                "the Connect image is pinned: expected true, stating that it also carries the S3 sink plugin")
    if not isinstance(broker, StrimziKafkaBroker):
        return
    cluster = next((c for c in spec.clusters if c.name == broker.cluster), None)
    if cluster is None:
        return
    if not cluster.oidc_provider_arn:
        yield f"{base}.broker", (f"the audit sink authenticates to AWS as an IAM role trusting cluster "
                                 f"{cluster.name}'s service-account issuer: expected clusters[].oidc_provider_arn")
    elif cluster.cloud != "aws" and not sink.pod_identity_webhook:
        yield f"{base}.audit_sink.pod_identity_webhook", (
            f"cluster {cluster.name} is not EKS, and Strimzi 0.45 cannot mount a projected web-identity token: "
            "expected true, declaring that the cluster runs the pod identity webhook")
    elif cluster.cloud == "aws" and sink.pod_identity_webhook:
        yield f"{base}.audit_sink.pod_identity_webhook", "EKS runs the webhook itself: remove it"


def _credentials(base: str, source: CdcSource, spec: "EnvironmentSpec") -> Iterator[Problem]:
    if source.login is None:
        yield f"{base}.login", ("required: a secret reference (secrets.secrets[].name) holding the database login "
                                "(username, password); credentials are never written in the spec")
        return
    secrets = {s.name: s for s in spec.secrets.secrets}
    secret = secrets.get(source.login)
    if secret is None:
        yield f"{base}.login", (f"undefined secret {source.login!r}; expected one of "
                                             f"secrets.secrets[].name ({', '.join(sorted(secrets)) or 'none'})")
        return
    broker = next((b for b in spec.messaging.brokers if b.name == source.broker), None)
    if isinstance(broker, StrimziKafkaBroker):
        namespace, workload = connect_namespace(broker.name), connect_name(source)
        if not any(s.cluster == broker.cluster and s.namespace == namespace and s.workload == workload
                   for s in secret.sync):
            yield f"{base}.login", (
                f"secret {secret.name!r} must reach the Connect cluster through External Secrets: expected "
                f"{{cluster: {broker.cluster}, namespace: {namespace}, workload: {workload}}} in its sync")


def check_cdc(spec: "EnvironmentSpec") -> Iterator[Problem]:
    entities = {e.name for e in spec.data.entities}
    sites = {s.name for s in spec.sites}
    seen: set[str] = set()
    prefixes: dict[str, str] = {}
    for i, source in enumerate(spec.data.cdc.sources):
        base = f"data.cdc.sources[{i}]"
        if source.name in seen:
            yield f"{base}.name", f"duplicate name {source.name!r}: names must be unique here"
        seen.add(source.name)
        where = f"{source.broker}/{source.prefix}"
        if where in prefixes:
            yield f"{base}.topic_prefix", (f"topic prefix {source.prefix!r} is already used on broker {source.broker} "
                                           f"by {prefixes[where]}; expected a prefix of its own")
        prefixes.setdefault(where, base)
        if source.site is not None and source.site not in sites:
            yield f"{base}.site", f"undefined site {source.site!r}; expected one of sites[].name ({', '.join(sorted(sites)) or 'none'})"
        yield from _setup(base, source)
        yield from _runtime(base, source, spec)
        yield from _credentials(base, source, spec)
        yield from _audit(base, source, spec)
        names = [t.name for t in source.tables]
        for j, table in enumerate(source.tables):
            if table.name in names[:j]:
                yield f"{base}.tables[{j}].name", f"duplicate table {table.name!r}"
            if table.entity is not None and table.entity not in entities:
                yield f"{base}.tables[{j}].entity", (f"undefined entity {table.entity!r}; expected one of "
                                                     f"data.entities[].name ({', '.join(sorted(entities)) or 'none'})")
        if source.outbox is not None and source.outbox.table not in names:
            yield f"{base}.outbox.table", f"expected one of the captured tables ({', '.join(names)})"
