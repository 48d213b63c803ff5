import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { inspectOutputType } from '../../src/cli/commands/inspect';
import { goTimeString, parseGoTemplate, unescapeFormat } from '../../src/cli/go-template';
import { UsageError } from '../../src/core/errors';
import { goMap } from '../../src/core/image/go-json';

const info = {
  Name: 'reg.example/team/app',
  Digest: 'sha256:abc',
  RepoTags: ['v1', 'v2'],
  Created: '2024-01-01T00:00:00.5Z',
  DockerVersion: '',
  Labels: goMap({ zeta: '1', A: 'z', 'b&c': '<x>' }),
  Architecture: 'arm64',
  Variant: 'v8',
  Os: 'linux',
  Layers: ['sha256:l1', 'sha256:l2'],
  LayersData: [{ MIMEType: 'm', Digest: 'sha256:l1', Size: 12, Annotations: null }],
  Env: null,
};

function render(template: string, data: unknown = info): string {
  return parseGoTemplate(unescapeFormat(template), inspectOutputType).render(data);
}

function refused(template: string, message: RegExp): void {
  assert.throws(
    () => parseGoTemplate(unescapeFormat(template), inspectOutputType),
    (err: unknown) => err instanceof UsageError && message.test(err.message),
    template,
  );
}

describe('inspect --format templates', () => {
  test('fields, literal text and \\n escapes print as Go prints them', () => {
    assert.equal(render('{{.Digest}}'), 'sha256:abc');
    assert.equal(render('{{ .Name }}\\n'), 'reg.example/team/app\n');
    assert.equal(render('{{.Os}}/{{.Architecture}}/{{.Variant}}'), 'linux/arm64/v8');
    assert.equal(render('{{.DockerVersion}}|'), '|');
    assert.equal(render('{{.RepoTags}} {{.Env}} {{.Labels}}'), '[v1 v2] [] map[A:z b&c:<x> zeta:1]');
    assert.equal(render('{{.LayersData}}'), '[{m sha256:l1 12 map[]}]');
  });

  test('Created prints as Go time.Time String(); a missing one as <nil>', () => {
    assert.equal(render('{{.Created}}'), '2024-01-01 00:00:00.5 +0000 UTC');
    assert.equal(render('{{.Created}}', { ...info, Created: null }), '<nil>');
    assert.equal(goTimeString('2024-05-06T07:08:09+02:00'), '2024-05-06 07:08:09 +0200 +0200');
  });

  test('json, index and len; a missing key is empty with index and <no value> as a field', () => {
    assert.equal(render('{{json .Labels}}'), '{"A":"z","b&c":"<x>","zeta":"1"}');
    assert.equal(render('{{.Labels | json}}'), '{"A":"z","b&c":"<x>","zeta":"1"}');
    assert.equal(render('{{json .Env}} {{json .Created}} {{json .RepoTags}}'), 'null "2024-01-01T00:00:00.5Z" ["v1","v2"]');
    assert.equal(render('{{index .Labels "b&c"}}|{{index .Labels "nope"}}|{{.Labels.zeta}}|{{.Labels.nope}}'), '<x>||1|<no value>');
    assert.equal(
      render('{{index .RepoTags 1}} {{len .Layers}} {{len .Labels}} {{json (index .LayersData 0)}}'),
      'v2 2 3 {"MIMEType":"m","Digest":"sha256:l1","Size":12,"Annotations":null}',
    );
    assert.throws(() => render('{{index .RepoTags 5}}'), /index out of range: 5/);
  });

  test('range over slices and maps (sorted keys), with variables and else; if/else by Go truthiness', () => {
    assert.equal(render('{{range .RepoTags}}- {{.}}\\n{{end}}'), '- v1\n- v2\n');
    assert.equal(render('{{range $i, $t := .RepoTags}}{{$i}}={{$t}};{{end}}'), '0=v1;1=v2;');
    assert.equal(render('{{range $k, $v := .Labels}}{{$k}}:{{$v}} {{end}}'), 'A:z b&c:<x> zeta:1 ');
    assert.equal(render('{{range .Labels}}{{.}},{{end}}'), 'z,<x>,1,');
    assert.equal(render('{{range .Env}}{{.}}{{else}}no env{{end}}'), 'no env');
    assert.equal(render('{{range .LayersData}}{{.Digest}}@{{.Size}} {{$.Name}}{{end}}'), 'sha256:l1@12 reg.example/team/app');
    assert.equal(render('{{if .Env}}env{{else}}none{{end}} {{if .Labels}}labels{{end}}'), 'none labels');
  });

  test('comments and trim markers', () => {
    assert.equal(render('{{/* a comment */}}a  {{- .Os -}}  b'), 'alinuxb');
  });

  test('anything outside the subset is a usage error at parse time, before data is read', () => {
    refused('{{.Nope}}', /can't evaluate field Nope in type inspectOutput/);
    refused('{{range .LayersData}}{{.Nope}}{{end}}', /can't evaluate field Nope in type layerInfo/);
    refused('{{.Digest.Foo}}', /can't evaluate field Foo in type string/);
    refused('{{printf "%s" .Os}}', /function "printf" is not supported/);
    refused('{{with .Os}}x{{end}}', /\{\{with \.Os\}\} is not supported/);
    refused('{{$x := .Os}}{{$x}}', /variable assignment/);
    refused('{{.Name}', /unclosed action/);
    refused('{{range .RepoTags}}x', /has no \{\{end\}\}/);
    refused('{{end}}', /unexpected \{\{end\}\}/);
    refused('{{range .Os}}{{end}}', /range can't iterate over string/);
    refused('{{$nope}}', /undefined variable "\$nope"/);
    refused('{{"x\\q"}}', /unsupported escape/);
    refused('{{}}', /missing value/);
  });
});
