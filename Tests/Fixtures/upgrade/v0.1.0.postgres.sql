--
-- PostgreSQL database dump
--

\restrict 4b4pF1f7oO5zHZUtxxhg1TFUE0LQ3yRxacuYr2HRBZmSXauJVy51iBYfUCgz1Kv

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: add_to_group_status_count(text, text, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.add_to_group_status_count(g text, s text, delta bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    shard tid;
    total BIGINT;
BEGIN
    -- Prefer the smallest row of the opposite sign: this change brings it closest to zero.
    UPDATE group_status_counts SET n = n + delta
        WHERE ctid = (SELECT ctid FROM group_status_counts WHERE grp = g AND status = s
                      ORDER BY (n * delta >= 0), abs(n) LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING ctid, n INTO shard, total;
    IF NOT FOUND THEN
        INSERT INTO group_status_counts (grp, status, n) VALUES (g, s, delta);
    ELSIF total = 0 THEN
        DELETE FROM group_status_counts WHERE ctid = shard;
    END IF;
END
$$;


--
-- Name: add_to_problem_count(text, text, boolean, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.add_to_problem_count(g text, k text, a boolean, delta bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    shard tid;
    total BIGINT;
BEGIN
    UPDATE problem_counts SET n = n + delta
        WHERE ctid = (SELECT ctid FROM problem_counts WHERE grp = g AND kind = k AND acknowledged = a
                      ORDER BY (n * delta >= 0), abs(n) LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING ctid, n INTO shard, total;
    IF NOT FOUND THEN
        INSERT INTO problem_counts (grp, kind, acknowledged, n) VALUES (g, k, a, delta);
    ELSIF total = 0 THEN
        DELETE FROM problem_counts WHERE ctid = shard;
    END IF;
END
$$;


--
-- Name: count_problems(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.count_problems() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.resolved_at IS NULL THEN
        PERFORM add_to_problem_count(OLD.grp, OLD.kind, OLD.acknowledged_by IS NOT NULL, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.resolved_at IS NULL THEN
        PERFORM add_to_problem_count(NEW.grp, NEW.kind, NEW.acknowledged_by IS NOT NULL, 1);
    END IF;
    RETURN NULL;
END
$$;


--
-- Name: count_workers(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.count_workers() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM add_to_group_status_count(OLD.grp, OLD.status, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM add_to_group_status_count(NEW.grp, NEW.status, 1);
    END IF;
    RETURN NULL;
END
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: counters; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.counters (
    name text NOT NULL,
    label text NOT NULL COLLATE pg_catalog."C",
    value bigint NOT NULL
);


--
-- Name: deliveries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.deliveries (
    id bigint NOT NULL,
    webhook text NOT NULL,
    at double precision NOT NULL,
    notifications text NOT NULL,
    status_code bigint,
    error text,
    duration double precision NOT NULL
);


--
-- Name: deliveries_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.deliveries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: deliveries_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.deliveries_id_seq OWNED BY public.deliveries.id;


--
-- Name: expectations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.expectations (
    scope text NOT NULL,
    subject text NOT NULL COLLATE pg_catalog."C",
    min_running bigint,
    max_running bigint,
    cron text,
    time_zone text,
    every double precision,
    grace double precision NOT NULL,
    max_runtime double precision,
    resolve_after double precision,
    failures bigint,
    failures_window double precision,
    source text NOT NULL,
    since double precision NOT NULL
);


--
-- Name: group_counters; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.group_counters (
    grp text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    total double precision NOT NULL
);


--
-- Name: group_status_counts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.group_status_counts (
    grp text NOT NULL COLLATE pg_catalog."C",
    status text NOT NULL,
    n bigint NOT NULL
);


--
-- Name: groups; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.groups (
    name text NOT NULL COLLATE pg_catalog."C",
    last_event_at double precision NOT NULL,
    events bigint DEFAULT 0 NOT NULL
);


--
-- Name: history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.history (
    seq bigint NOT NULL,
    worker_id text NOT NULL COLLATE pg_catalog."C",
    grp text NOT NULL COLLATE pg_catalog."C",
    event text NOT NULL,
    status text,
    at double precision NOT NULL,
    received_at double precision NOT NULL,
    message text,
    action text,
    exit_code bigint,
    late bigint DEFAULT 0 NOT NULL
);


--
-- Name: history_seq_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.history_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: history_seq_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.history_seq_seq OWNED BY public.history.seq;


--
-- Name: notifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notifications (
    id bigint NOT NULL,
    webhook text NOT NULL,
    problem_id bigint NOT NULL,
    change text NOT NULL,
    problem text NOT NULL,
    created_at double precision NOT NULL,
    attempts bigint DEFAULT 0 NOT NULL,
    next_attempt_at double precision NOT NULL,
    delivered_at double precision,
    given_up_at double precision
);


--
-- Name: notifications_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.notifications_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: notifications_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.notifications_id_seq OWNED BY public.notifications.id;


--
-- Name: problem_counts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.problem_counts (
    grp text NOT NULL COLLATE pg_catalog."C",
    kind text NOT NULL,
    acknowledged boolean NOT NULL,
    n bigint NOT NULL
);


--
-- Name: problems; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.problems (
    id bigint NOT NULL,
    kind text NOT NULL,
    scope text NOT NULL,
    subject text NOT NULL COLLATE pg_catalog."C",
    grp text NOT NULL COLLATE pg_catalog."C",
    opened_at double precision NOT NULL,
    resolved_at double precision,
    resolution text,
    acknowledged_by text,
    acknowledged_at double precision,
    note text,
    detail text
);


--
-- Name: problems_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.problems_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: problems_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.problems_id_seq OWNED BY public.problems.id;


--
-- Name: series; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.series (
    node text NOT NULL COLLATE pg_catalog."C",
    step integer NOT NULL,
    at double precision NOT NULL,
    running bigint NOT NULL,
    lost bigint NOT NULL,
    failed bigint NOT NULL,
    stopped bigint NOT NULL,
    events bigint NOT NULL,
    errors bigint NOT NULL
);


--
-- Name: sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sessions (
    id text NOT NULL,
    value text NOT NULL,
    expires_at double precision
);


--
-- Name: silences; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.silences (
    id bigint NOT NULL,
    scope text NOT NULL,
    subject text NOT NULL COLLATE pg_catalog."C",
    until double precision NOT NULL,
    note text,
    author text NOT NULL,
    created_at double precision NOT NULL
);


--
-- Name: silences_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.silences_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: silences_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.silences_id_seq OWNED BY public.silences.id;


--
-- Name: webhooks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhooks (
    name text NOT NULL COLLATE pg_catalog."C",
    url text NOT NULL,
    format text NOT NULL,
    grp text COLLATE pg_catalog."C",
    kinds text NOT NULL,
    secret text,
    created_at double precision NOT NULL
);


--
-- Name: wokmanager_schema; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.wokmanager_schema (
    version bigint NOT NULL
);


--
-- Name: workers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.workers (
    id text NOT NULL COLLATE pg_catalog."C",
    grp text NOT NULL COLLATE pg_catalog."C",
    status text NOT NULL,
    status_since double precision NOT NULL,
    run_started_at double precision NOT NULL,
    last_seen double precision NOT NULL,
    last_received_at double precision NOT NULL,
    ttl double precision,
    host text,
    pid bigint,
    version text,
    labels text DEFAULT '{}'::text NOT NULL,
    message text,
    message_at double precision,
    heartbeats bigint DEFAULT 0 NOT NULL,
    error_count bigint DEFAULT 0 NOT NULL,
    exit_code bigint,
    metrics text DEFAULT '{}'::text NOT NULL
);


--
-- Name: deliveries id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deliveries ALTER COLUMN id SET DEFAULT nextval('public.deliveries_id_seq'::regclass);


--
-- Name: history seq; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.history ALTER COLUMN seq SET DEFAULT nextval('public.history_seq_seq'::regclass);


--
-- Name: notifications id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications ALTER COLUMN id SET DEFAULT nextval('public.notifications_id_seq'::regclass);


--
-- Name: problems id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.problems ALTER COLUMN id SET DEFAULT nextval('public.problems_id_seq'::regclass);


--
-- Name: silences id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.silences ALTER COLUMN id SET DEFAULT nextval('public.silences_id_seq'::regclass);


--
-- Data for Name: counters; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.counters (name, label, value) FROM stdin;
events	message	1
events	heartbeat	2
errors	product.importer	2
errors	billing.ledger	1
events	error	3
events	stopped	2
events	started	6
\.


--
-- Data for Name: deliveries; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.deliveries (id, webhook, at, notifications, status_code, error, duration) FROM stdin;
\.


--
-- Data for Name: expectations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.expectations (scope, subject, min_running, max_running, cron, time_zone, every, grace, max_runtime, resolve_after, failures, failures_window, source, since) FROM stdin;
group	product.importer	3	\N	\N	\N	\N	300	\N	\N	\N	\N	api	1796305627.4358213
\.


--
-- Data for Name: group_counters; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.group_counters (grp, name, total) FROM stdin;
product.importer	rows_imported_total	2400
\.


--
-- Data for Name: group_status_counts; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.group_status_counts (grp, status, n) FROM stdin;
product.importer	running	2
billing.ledger	failed	1
jobs.nightly	stopped	1
intl.wörkers	running	1
product.exporter	lost	1
\.


--
-- Data for Name: groups; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.groups (name, last_event_at, events) FROM stdin;
product.importer	1796305627.188043	7
product.exporter	1796305627.2125201	1
billing.ledger	1796305627.3314285	3
jobs.nightly	1796305627.3846202	2
intl.wörkers	1796305627.408354	1
\.


--
-- Data for Name: history; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.history (seq, worker_id, grp, event, status, at, received_at, message, action, exit_code, late) FROM stdin;
1	Importer01	product.importer	started	running	1796294826.982899	1796305626.9966066	\N	\N	\N	0
2	Importer01	product.importer	message	\N	1796295726.982899	1796305627.091709	imported 12,400 products	\N	\N	0
3	Importer02	product.importer	started	running	1796296626.982899	1796305627.138221	\N	\N	\N	0
4	Importer02	product.importer	error	\N	1796297226.982899	1796305627.1632764	row 17: price is not a number	row skipped	\N	0
5	Importer02	product.importer	error	\N	1796297286.982899	1796305627.188043	row 18: <b>bad</b> & "quoted"	row skipped	\N	0
6	Exporter01	product.exporter	started	running	1796297826.982899	1796305627.2125201	\N	\N	\N	0
7	Ledger01	billing.ledger	started	running	1796298426.982899	1796305627.2442536	\N	\N	\N	0
8	Ledger01	billing.ledger	error	failed	1796298726.982899	1796305627.2765806	connection reset by peer	aborted	\N	0
9	Ledger01	billing.ledger	stopped	\N	1796298786.982899	1796305627.3314285	\N	\N	3	0
10	nightly-export	jobs.nightly	started	running	1796299626.982899	1796305627.35914	\N	\N	\N	0
11	nightly-export	jobs.nightly	stopped	stopped	1796300226.982899	1796305627.3846202	\N	\N	0	0
12	Ünïcode-✓	intl.wörkers	started	running	1796300826.982899	1796305627.408354	日本語のメッセージ	\N	\N	0
13	Exporter01	product.exporter	lost	lost	1796305628.2125201	1796305631.9390867	\N	\N	\N	0
\.


--
-- Data for Name: notifications; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.notifications (id, webhook, problem_id, change, problem, created_at, attempts, next_attempt_at, delivered_at, given_up_at) FROM stdin;
1	oncall	1	acknowledged	{"acknowledgement":{"at":1796305632.1647613,"by":"admin-option-1","note":"known: the bank's API is down"},"detail":"connection reset by peer; action: aborted","group":"billing.ledger","id":1,"kind":"failed","opened_at":1796305627.2767258,"resolution":null,"resolved_at":null,"silenced_by":null,"state":"acknowledged","worker":"Ledger01"}	1796305632.1647613	0	1796305642.1647613	\N	\N
\.


--
-- Data for Name: problem_counts; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.problem_counts (grp, kind, acknowledged, n) FROM stdin;
product.exporter	lost	f	1
product.importer	degraded	f	1
billing.ledger	failed	t	1
\.


--
-- Data for Name: problems; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.problems (id, kind, scope, subject, grp, opened_at, resolved_at, resolution, acknowledged_by, acknowledged_at, note, detail) FROM stdin;
2	lost	worker	Exporter01	product.exporter	1796305631.9390867	\N	\N	\N	\N	\N	no sign of life since 2026-12-03T13:47:07.212Z (TTL 1s)
3	degraded	group	product.importer	product.importer	1796305631.954588	\N	\N	\N	\N	\N	2 running, at least 3 expected
1	failed	worker	Ledger01	billing.ledger	1796305627.2767258	\N	\N	admin-option-1	1796305632.1647613	known: the bank's API is down	connection reset by peer; action: aborted
\.


--
-- Data for Name: series; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.series (node, step, at, running, lost, failed, stopped, events, errors) FROM stdin;
	60	1796305620	3	1	1	1	14	3
	3600	1796302800	3	1	1	1	14	3
billing	60	1796305620	0	0	1	0	3	1
billing	3600	1796302800	0	0	1	0	3	1
billing.ledger	60	1796305620	0	0	1	0	3	1
billing.ledger	3600	1796302800	0	0	1	0	3	1
intl	60	1796305620	1	0	0	0	1	0
intl	3600	1796302800	1	0	0	0	1	0
intl.wörkers	60	1796305620	1	0	0	0	1	0
intl.wörkers	3600	1796302800	1	0	0	0	1	0
jobs	60	1796305620	0	0	0	1	2	0
jobs	3600	1796302800	0	0	0	1	2	0
jobs.nightly	60	1796305620	0	0	0	1	2	0
jobs.nightly	3600	1796302800	0	0	0	1	2	0
product	60	1796305620	2	1	0	0	8	2
product	3600	1796302800	2	1	0	0	8	2
product.exporter	60	1796305620	0	1	0	0	1	0
product.exporter	3600	1796302800	0	1	0	0	1	0
product.importer	60	1796305620	2	0	0	0	7	2
product.importer	3600	1796302800	2	0	0	0	7	2
\.


--
-- Data for Name: sessions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.sessions (id, value, expires_at) FROM stdin;
\.


--
-- Data for Name: silences; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.silences (id, scope, subject, until, note, author, created_at) FROM stdin;
1	group	intl	2111665627.4489818	not ours	admin-option-1	1796305627.449002
\.


--
-- Data for Name: webhooks; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.webhooks (name, url, format, grp, kinds, secret, created_at) FROM stdin;
oncall	http://127.0.0.1:9/hook	json	billing		\N	1796305627.4677489
\.


--
-- Data for Name: wokmanager_schema; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.wokmanager_schema (version) FROM stdin;
1
2
3
4
5
6
7
8
9
10
\.


--
-- Data for Name: workers; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.workers (id, grp, status, status_since, run_started_at, last_seen, last_received_at, ttl, host, pid, version, labels, message, message_at, heartbeats, error_count, exit_code, metrics) FROM stdin;
Importer01	product.importer	running	1796294826.982899	1796294826.982899	1796296026.982899	1796305627.1169853	\N	box-a	4711	2.3.1	{"region":"eu-west-1","team":"catalog"}	imported 12,400 products	1796295726.982899	2	0	\N	{"queue_depth":7,"rows_imported_total":2400}
Importer02	product.importer	running	1796296626.982899	1796296626.982899	1796297286.982899	1796305627.188043	\N	box-b	\N	2.3.1	{}	\N	\N	0	2	\N	{}
Ledger01	billing.ledger	failed	1796298726.982899	1796298426.982899	1796298786.982899	1796305627.3314285	\N	\N	\N	\N	{}	\N	\N	0	1	3	{}
nightly-export	jobs.nightly	stopped	1796300226.982899	1796299626.982899	1796300226.982899	1796305627.3846202	\N	\N	\N	\N	{}	\N	\N	0	0	0	{}
Ünïcode-✓	intl.wörkers	running	1796300826.982899	1796300826.982899	1796300826.982899	1796305627.408354	\N	\N	\N	\N	{}	\N	\N	0	0	\N	{}
Exporter01	product.exporter	lost	1796305628.2125201	1796297826.982899	1796297826.982899	1796305627.2125201	1	\N	\N	\N	{}	\N	\N	0	0	\N	{}
\.


--
-- Name: deliveries_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.deliveries_id_seq', 1, false);


--
-- Name: history_seq_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.history_seq_seq', 13, true);


--
-- Name: notifications_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.notifications_id_seq', 1, true);


--
-- Name: problems_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.problems_id_seq', 3, true);


--
-- Name: silences_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.silences_id_seq', 1, true);


--
-- Name: counters counters_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.counters
    ADD CONSTRAINT counters_pkey PRIMARY KEY (name, label);


--
-- Name: deliveries deliveries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deliveries
    ADD CONSTRAINT deliveries_pkey PRIMARY KEY (id);


--
-- Name: expectations expectations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.expectations
    ADD CONSTRAINT expectations_pkey PRIMARY KEY (scope, subject);


--
-- Name: group_counters group_counters_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.group_counters
    ADD CONSTRAINT group_counters_pkey PRIMARY KEY (grp, name);


--
-- Name: groups groups_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.groups
    ADD CONSTRAINT groups_pkey PRIMARY KEY (name);


--
-- Name: history history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.history
    ADD CONSTRAINT history_pkey PRIMARY KEY (seq);


--
-- Name: notifications notifications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (id);


--
-- Name: problems problems_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.problems
    ADD CONSTRAINT problems_pkey PRIMARY KEY (id);


--
-- Name: series series_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.series
    ADD CONSTRAINT series_pkey PRIMARY KEY (node, step, at);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);


--
-- Name: silences silences_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.silences
    ADD CONSTRAINT silences_pkey PRIMARY KEY (id);


--
-- Name: webhooks webhooks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhooks
    ADD CONSTRAINT webhooks_pkey PRIMARY KEY (name);


--
-- Name: workers workers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workers
    ADD CONSTRAINT workers_pkey PRIMARY KEY (id);


--
-- Name: deliveries_by_webhook; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deliveries_by_webhook ON public.deliveries USING btree (webhook, id);


--
-- Name: group_status_counts_by_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX group_status_counts_by_key ON public.group_status_counts USING btree (grp, status);


--
-- Name: history_by_event; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX history_by_event ON public.history USING btree (event, seq);


--
-- Name: history_by_received; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX history_by_received ON public.history USING btree (received_at);


--
-- Name: history_by_worker; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX history_by_worker ON public.history USING btree (worker_id, seq);


--
-- Name: notifications_by_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_by_created ON public.notifications USING btree (created_at);


--
-- Name: notifications_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notifications_due ON public.notifications USING btree (next_attempt_at) WHERE ((delivered_at IS NULL) AND (given_up_at IS NULL));


--
-- Name: problem_counts_by_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX problem_counts_by_key ON public.problem_counts USING btree (grp, kind, acknowledged);


--
-- Name: problems_acknowledged_by_opened; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX problems_acknowledged_by_opened ON public.problems USING btree (opened_at) WHERE ((resolved_at IS NULL) AND (acknowledged_by IS NOT NULL));


--
-- Name: problems_open; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX problems_open ON public.problems USING btree (scope, subject, kind) WHERE (resolved_at IS NULL);


--
-- Name: problems_open_by_group; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX problems_open_by_group ON public.problems USING btree (grp, opened_at) WHERE (resolved_at IS NULL);


--
-- Name: problems_open_by_kind; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX problems_open_by_kind ON public.problems USING btree (kind) WHERE (resolved_at IS NULL);


--
-- Name: problems_resolved; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX problems_resolved ON public.problems USING btree (resolved_at) WHERE (resolved_at IS NOT NULL);


--
-- Name: problems_unacknowledged_by_opened; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX problems_unacknowledged_by_opened ON public.problems USING btree (opened_at) WHERE ((resolved_at IS NULL) AND (acknowledged_by IS NULL));


--
-- Name: series_by_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX series_by_time ON public.series USING btree (step, at);


--
-- Name: workers_by_group_start; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX workers_by_group_start ON public.workers USING btree (grp, run_started_at);


--
-- Name: workers_by_status_seen; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX workers_by_status_seen ON public.workers USING btree (status, last_seen);


--
-- Name: workers_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX workers_expiry ON public.workers USING btree (((last_received_at + ttl))) WHERE ((status = 'running'::text) AND (ttl > (0)::double precision));


--
-- Name: workers_expiry_default; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX workers_expiry_default ON public.workers USING btree (last_received_at) WHERE ((status = 'running'::text) AND (ttl IS NULL));


--
-- Name: problems problems_counted; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER problems_counted AFTER INSERT OR DELETE ON public.problems FOR EACH ROW EXECUTE FUNCTION public.count_problems();


--
-- Name: problems problems_counted_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER problems_counted_update AFTER UPDATE OF grp, kind, resolved_at, acknowledged_by ON public.problems FOR EACH ROW WHEN (((old.resolved_at IS DISTINCT FROM new.resolved_at) OR ((old.acknowledged_by IS NULL) <> (new.acknowledged_by IS NULL)) OR (old.grp IS DISTINCT FROM new.grp) OR (old.kind IS DISTINCT FROM new.kind))) EXECUTE FUNCTION public.count_problems();


--
-- Name: workers workers_counted; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER workers_counted AFTER INSERT OR DELETE ON public.workers FOR EACH ROW EXECUTE FUNCTION public.count_workers();


--
-- Name: workers workers_counted_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER workers_counted_update AFTER UPDATE OF grp, status ON public.workers FOR EACH ROW WHEN (((old.status IS DISTINCT FROM new.status) OR (old.grp IS DISTINCT FROM new.grp))) EXECUTE FUNCTION public.count_workers();


--
-- PostgreSQL database dump complete
--

\unrestrict 4b4pF1f7oO5zHZUtxxhg1TFUE0LQ3yRxacuYr2HRBZmSXauJVy51iBYfUCgz1Kv

