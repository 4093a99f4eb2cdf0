"""No network, proven: every entry point is fed input that points at a real TCP listener on
127.0.0.1 (owl:imports, remote JSON-LD contexts, external DTDs, SPARQL SERVICE / FROM / LOAD,
ids and notes that are URLs), and the listener must receive nothing (DESIGN.md,
Non-negotiables). Each command runs in its own process, so the guard is the one users get;
nothing here replaces or mocks the guard."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import Listener, run_protograph


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()
    assert server.connections == [], f"the listener was reached: {server.connections}"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_protograph(list(args), cwd)


def refused(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    """Refused with one clear line (exit 2, no traceback) containing ``fragment``."""
    assert "Traceback" not in result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert len(result.stderr.splitlines()) == 1 and fragment in result.stderr, result.stderr


def completed(result: subprocess.CompletedProcess[str]) -> None:
    """Completed: exit 0 (or 1, violations found), nothing but progress on stderr."""
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), (result.returncode, result.stderr)


MINI = """@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix pg: <https://w3id.org/protograph/ns#> .
@prefix p: <https://w3id.org/protograph/protocol/mini-2024/> .
<https://w3id.org/protograph/protocol/mini-2024> a pg:ProtocolVersion ;
    dcterms:identifier "mini-2024" ; dcterms:title "Mini protocol" ; pg:issuer "Test board" ;
    rdfs:seeAlso <{url}/see-also> ; dcterms:source <{url}/source.pdf> ;
    pg:sourceFile "mini-2024.txt" .
p:prov-1-aim a pg:Provision ; pg:reference "1" ; pg:quote "The aim of this protocol is to protect children." ;
    rdfs:seeAlso <{url}/provision> ;
    pg:coverageNote "States the protocol's aim; addresses no one." .
"""
SOURCE = "1. The aim of this protocol is to protect children.\n"


def corpus(tmp_path: Path, name: str, text: str, folder: str = "corpus") -> Path:
    """A --corpus folder holding one protocol file and its source text."""
    target = tmp_path / folder
    target.mkdir()
    (target / name).write_text(text, encoding="utf-8")
    (target / "mini-2024.txt").write_text(SOURCE, encoding="utf-8")
    return target


# --- protocols -------------------------------------------------------------------------------


def test_a_protocol_with_iris_at_the_listener_loads_without_fetching_them(listener, tmp_path):
    folder = corpus(tmp_path, "mini-2024.ttl", MINI.replace("{url}", listener.url))
    result = run("list", "--corpus", str(folder), "--format", "json", cwd=tmp_path)
    completed(result)
    assert "mini-2024" in result.stdout


def test_owl_imports_of_the_listener_is_refused_naming_its_line(listener, tmp_path):
    text = MINI.replace("{url}", listener.url).replace(
        "pg:sourceFile", f"owl:imports <{listener.url}/ontology.ttl> ;\n    pg:sourceFile"
    )
    folder = corpus(tmp_path, "mini-2024.ttl", text)
    refused(run("list", "--corpus", str(folder), cwd=tmp_path), "mini-2024.ttl:9: owl:imports")


def test_a_json_ld_protocol_with_a_context_at_the_listener_is_refused(listener, tmp_path):
    text = f'{{"@context": "{listener.url}/ctx", "@id": "https://w3id.org/protograph/protocol/mini-2024"}}\n'
    folder = corpus(tmp_path, "mini-2024.jsonld", text)
    refused(
        run("list", "--corpus", str(folder), cwd=tmp_path), f"mini-2024.jsonld:1: JSON-LD @context '{listener.url}/ctx'"
    )


def test_an_rdf_xml_protocol_with_a_dtd_at_the_listener_is_refused(listener, tmp_path):
    text = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rdf:RDF SYSTEM "{listener.url}/dtd">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
    )
    folder = corpus(tmp_path, "mini-2024.rdf", text)
    refused(run("list", "--corpus", str(folder), cwd=tmp_path), "mini-2024.rdf:2: RDF/XML with '<!DOCTYPE' is refused")


# --- cases -----------------------------------------------------------------------------------


def test_case_files_in_every_format_with_urls_at_the_listener_are_read_without_fetching(listener, tmp_path):
    url = listener.url
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "case-yaml.yaml").write_text(
        "id: case-yaml\nevents:\n"
        f"  - {{id: '{url}/e1', at: 2024-03-01T09:00+00:00, type: trafficking-suspected, by: police, note: '{url}/n'}}\n"
        f"  - {{id: '{url}/e2', at: 2024-03-01T11:00+00:00, type: referral, by: police, to: childrens-services}}\n",
        encoding="utf-8",
    )
    ttl_events = "".join(
        f'<{url}/case-ttl/{n}> a pg:CaseEvent ; pg:case <{url}/case-ttl> ; pg:at "2024-03-01T{h}:00:00+00:00"^^xsd:dateTime ;'
        f" pg:eventType <https://w3id.org/protograph/event/{kind}> ; pg:by <https://w3id.org/protograph/role/police> .\n"
        for n, h, kind in (("e1", "09", "trafficking-suspected"), ("e2", "11", "referral"))
    )
    (cases / "case-ttl.ttl").write_text(
        "@prefix pg: <https://w3id.org/protograph/ns#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f'<{url}/case-ttl> a pg:Case ; pg:caseIdentifier "case-ttl" .\n' + ttl_events,
        encoding="utf-8",
    )
    (cases / "case-jsonld.jsonld").write_text(
        '{"@context": {"pg": "https://w3id.org/protograph/ns#", "xsd": "http://www.w3.org/2001/XMLSchema#"},\n'
        f' "@graph": [{{"@id": "{url}/case-jsonld", "@type": "pg:Case", "pg:caseIdentifier": "case-jsonld"}},\n'
        f'  {{"@id": "{url}/case-jsonld/e1", "@type": "pg:CaseEvent", "pg:case": {{"@id": "{url}/case-jsonld"}},\n'
        '   "pg:at": {"@value": "2024-03-01T09:00:00+00:00", "@type": "xsd:dateTime"},\n'
        '   "pg:eventType": {"@id": "https://w3id.org/protograph/event/trafficking-suspected"}}]}\n',
        encoding="utf-8",
    )
    (cases / "case-rdfxml.rdf").write_text(
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:pg="https://w3id.org/protograph/ns#">\n'
        f'  <pg:Case rdf:about="{url}/case-rdfxml"><pg:caseIdentifier>case-rdfxml</pg:caseIdentifier></pg:Case>\n'
        f'  <pg:CaseEvent rdf:about="{url}/case-rdfxml/e1"><pg:case rdf:resource="{url}/case-rdfxml"/>\n'
        '    <pg:at rdf:datatype="http://www.w3.org/2001/XMLSchema#dateTime">2024-03-01T09:00:00+00:00</pg:at>\n'
        '    <pg:eventType rdf:resource="https://w3id.org/protograph/event/trafficking-suspected"/></pg:CaseEvent>\n'
        "</rdf:RDF>\n",
        encoding="utf-8",
    )
    caseload = tmp_path / "caseload"
    caseload.mkdir()
    (caseload / "events.csv").write_text(
        f"case,at,type,by,id,note\ncase-csv,2024-03-01T09:00+00:00,trafficking-suspected,police,{url}/e1,{url}/note\n",
        encoding="utf-8",
    )
    result = run("validate", "--quiet", "--format", "json", str(cases), str(caseload), cwd=tmp_path)
    completed(result)
    for case_id in ("case-yaml", "case-ttl", "case-jsonld", "case-rdfxml", "case-csv"):
        assert case_id in result.stdout


@pytest.mark.parametrize(
    "name, text, fragment",
    [
        ("case.jsonld", '{"@context": "{url}/ctx", "@id": "{url}/case"}', "case.jsonld:1: JSON-LD @context"),
        (
            "case.jsonld",
            '{"@context": ["file:///etc/hostname"], "@id": "{url}/case"}',
            "case.jsonld:1: JSON-LD @context",
        ),
        ("case.rdf", '<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "{url}/dtd">\n<r/>\n', "case.rdf:2: RDF/XML with"),
        ("case.ttl", "<{url}/c> <http://www.w3.org/2002/07/owl#imports> <{url}/x> .\n", "case.ttl:1: owl:imports"),
    ],
)
def test_case_files_that_would_fetch_from_the_listener_are_refused(listener, tmp_path, name, text, fragment):
    (tmp_path / name).write_text(text.replace("{url}", listener.url), encoding="utf-8")
    refused(run("validate", "--quiet", name, cwd=tmp_path), fragment)


# --- the SPARQL layer ------------------------------------------------------------------------

SPARQL_SCRIPT = """
import sys
from rdflib import Dataset, Graph, Literal, URIRef
import protograph.corpus.queries, protograph.store.engines
from protograph.errors import NetworkRefused

url = sys.argv[1]
texts = {
    "service": f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "service-silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
    "from": f"SELECT * FROM <{url}/graph.ttl> WHERE {{ ?s ?p ?o }}",
    "from-named": f"SELECT * FROM NAMED <{url}/graph.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "load": f"LOAD <{url}/graph.ttl>",
}
# The query text is what a question file would hold; loading it is not the guard under test.
protograph.corpus.queries.load_query = protograph.store.engines.load_query = texts.__getitem__
graph = Graph()
graph.add((URIRef(url + "/s"), URIRef(url + "/p"), Literal("o")))
dataset = Dataset()  # on a Dataset rdflib would load FROM and LOAD graphs (DESIGN.md)
dataset.add((URIRef(url + "/s"), URIRef(url + "/p"), Literal("o")))
helpers = {
    "run": lambda name: list(protograph.corpus.queries.run(dataset, name)),
    "rdflib": lambda name: protograph.store.engines.RdflibEngine(dataset).query(name),
    "oxigraph": lambda name: protograph.store.engines.OxigraphEngine(graph).query(name),
}
for helper, call in helpers.items():
    for name in texts:
        try:
            rows = call(name)
            print(helper, name, "completed", len(rows))
        except NetworkRefused as exc:
            print(helper, name, "refused", exc)
        except Exception as exc:
            print(helper, name, "error", type(exc).__name__, exc)
"""


def test_sparql_service_from_and_load_through_the_query_helpers_fetch_nothing(listener, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", SPARQL_SCRIPT, listener.url], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    outcomes = {tuple(line.split()[:2]): line.split()[2] for line in result.stdout.splitlines()}
    assert len(outcomes) == 15, result.stdout
    for (helper, name), outcome in outcomes.items():
        if name.startswith("service") or name == "load":
            assert outcome == "refused", (helper, name, result.stdout)
        else:
            assert outcome == "completed", (helper, name, result.stdout)  # FROM reads no remote graph


# --- shapes, validation and HTML outputs -------------------------------------------------------


def fetched_by_a_browser(page: str, url: str) -> list[str]:
    """Every tag or style in ``page`` that would make a browser load something from ``url``:
    any attribute of any tag but a plain link (<a href>), and CSS url(...). Script bodies are
    not markup (the inlined vis-network holds '<' in its code); a browser test covers them."""
    found = []
    markup = re.sub(r"(<script\b[^>]*>)[\s\S]*?(</script>)", r"\1\2", page, flags=re.IGNORECASE)  # code is not markup
    for match in re.finditer(r"<([a-zA-Z][\w-]*)(\s[^>]*)?/?>", markup):
        name = match.group(1).lower()
        attributes = re.sub(
            r"""xmlns(:[\w-]+)?\s*=\s*("[^"]*"|'[^']*')""", "", match.group(2) or ""
        )  # names, not fetched
        if url in attributes and name != "a":
            found.append(match.group(0)[:200])
    found += re.findall(rf"url\(\s*['\"]?{re.escape(url)}[^)]*\)", page)
    found += re.findall(rf"@import\s+['\"]?{re.escape(url)}", page)
    return found


def test_shapes_validation_and_html_outputs_fetch_nothing_and_load_nothing_from_the_listener(listener, tmp_path):
    url = listener.url
    folder = corpus(tmp_path, "mini-2024.ttl", MINI.replace("{url}", url))
    case = tmp_path / "case.yaml"
    case.write_text(
        "id: case-html\nevents:\n"
        f"  - {{id: '{url}/e1', at: 2024-03-01T09:00+00:00, type: trafficking-suspected, by: police, note: '{url}/x'}}\n"
        f"  - {{id: '{url}/e2', at: 2024-03-04T11:00+00:00, type: referral, by: police, to: childrens-services, channel: telephone}}\n",
        encoding="utf-8",
    )
    completed(run("shapes", "mini-2024", "--corpus", str(folder), "--output", "mini.shapes.ttl", cwd=tmp_path))
    completed(run("shapes", "herts-tc-2016", "--output", "herts.shapes.ttl", cwd=tmp_path))
    for engine in ("reference", "batch"):
        completed(run("validate", "--quiet", "--engine", engine, "--corpus", str(folder), str(case), cwd=tmp_path))
    pages = {
        "conflicts.html": ("conflicts", "--corpus", str(folder), "--format", "html", "--output", "conflicts.html"),
        "graph.html": ("graph", "mini-2024", "herts-tc-2016", "--corpus", str(folder), "--output", "graph.html"),
        "report.html": (
            "validate", "--quiet", "--report", "--format", "html", "--corpus", str(folder), str(case),
            "--output", "report.html",
        ),
        "timescales.html": ("timescales", "--corpus", str(folder), "--format", "html"),
    }  # fmt: skip
    for name, args in pages.items():
        result = run(*args, cwd=tmp_path)
        completed(result)
        page = (tmp_path / name).read_text(encoding="utf-8") if "--output" in args else result.stdout
        assert "<html" in page.lower() or "<table" in page.lower(), name
        assert fetched_by_a_browser(page, url) == [], name
        for scheme in ("http://", "https://", '"//'):  # no CDN either: the pages work offline
            assert fetched_by_a_browser(page, scheme) == [], (name, scheme)
