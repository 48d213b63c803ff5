// Independent checks of regx's sigstore side, since no cosign can run here and Debian's skopeo has
// sigstore switched off: cosign's encrypted key format read and written by Python's hashlib.scrypt and
// PyNaCl's SecretBox (Debian python3-nacl, a binding of libsodium), and ECDSA/RSA/ed25519 signatures
// made and checked by the openssl command line.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { requireTools, run } from './tools';

/** Debian's own python3, where python3-nacl installs (a python3 earlier on PATH may lack it). */
export const systemPython = '/usr/bin/python3';

// cosign's format written out from its description, not from regx's code: PEM around
// JSON {kdf: {name: scrypt, params: {N, r, p}, salt}, cipher: {name: nacl/secretbox, nonce}, ciphertext}.
const script = String.raw`
import base64, hashlib, json, sys, textwrap
import nacl.secret, nacl.utils

def passphrase(path):
    data = open(path, 'rb').read()
    return data.split(b'\n', 1)[0]

def kdf(pw, salt, p):
    return hashlib.scrypt(pw, salt=salt, n=p['N'], r=p['r'], p=p['p'], maxmem=512 * 1024 * 1024, dklen=32)

mode = sys.argv[1]
if mode == 'decrypt':
    pem_path, pw_path, out_path = sys.argv[2:5]
    lines = open(pem_path).read().strip().splitlines()
    pem_type = lines[0][len('-----BEGIN '):-len('-----')]
    doc = json.loads(base64.b64decode(''.join(lines[1:-1])))
    salt = base64.b64decode(doc['kdf']['salt'])
    nonce = base64.b64decode(doc['cipher']['nonce'])
    der = nacl.secret.SecretBox(kdf(passphrase(pw_path), salt, doc['kdf']['params'])).decrypt(base64.b64decode(doc['ciphertext']), nonce)
    open(out_path, 'wb').write(der)
    print(json.dumps({'pemType': pem_type, 'keys': sorted(doc.keys()), 'kdf': doc['kdf']['name'], 'params': doc['kdf']['params'],
                      'cipher': doc['cipher']['name'], 'saltBytes': len(salt), 'nonceBytes': len(nonce)}))
elif mode == 'encrypt':
    der_path, pw_path, pem_type, out_path = sys.argv[2:6]
    params = {'N': 32768, 'r': 8, 'p': 1}
    salt = nacl.utils.random(32)
    nonce = nacl.utils.random(24)
    sealed = nacl.secret.SecretBox(kdf(passphrase(pw_path), salt, params)).encrypt(open(der_path, 'rb').read(), nonce)
    doc = {'kdf': {'name': 'scrypt', 'params': params, 'salt': base64.b64encode(salt).decode()},
           'cipher': {'name': 'nacl/secretbox', 'nonce': base64.b64encode(nonce).decode()},
           'ciphertext': base64.b64encode(sealed.ciphertext).decode()}
    body = '\n'.join(textwrap.wrap(base64.b64encode(json.dumps(doc).encode()).decode(), 64))
    open(out_path, 'w').write('-----BEGIN %s-----\n%s\n-----END %s-----\n' % (pem_type, body, pem_type))
`;

/** openssl, python3 and PyNaCl are there (CI: fails loudly when not; locally: skips). */
export async function requireSigstoreTools(t: TestContext | undefined): Promise<boolean> {
  if (!requireTools(t, ['openssl', systemPython])) return false;
  const r = await run(systemPython, ['-c', 'import nacl.secret, hashlib; hashlib.scrypt']);
  if (r.code === 0) return true;
  const message = 'PyNaCl not importable by /usr/bin/python3: apt-get install -y python3-nacl';
  if (process.env.CI) throw new Error(`required test tool missing in CI: ${message}`);
  t?.skip(message);
  return false;
}

export interface DecryptedKeyInfo {
  pemType: string;
  keys: string[];
  kdf: string;
  params: { N: number; r: number; p: number };
  cipher: string;
  saltBytes: number;
  nonceBytes: number;
}

/** Decrypts a cosign key file with Python; writes the PKCS#8 DER to `outDer` and returns what the file said. */
export async function pythonDecryptKey(dir: string, pemPath: string, passphraseFile: string, outDer: string): Promise<DecryptedKeyInfo> {
  const py = join(dir, 'cosign_key.py');
  writeFileSync(py, script);
  const r = await run(systemPython, [py, 'decrypt', pemPath, passphraseFile, outDer]);
  assert.equal(r.code, 0, `Python could not decrypt ${pemPath}: ${r.stderr}`);
  return JSON.parse(r.stdout) as DecryptedKeyInfo;
}

/** Encrypts a PKCS#8 DER key into a cosign key file with Python, under `pemType`. */
export async function pythonEncryptKey(dir: string, derPath: string, passphraseFile: string, pemType: string, outPem: string): Promise<void> {
  const py = join(dir, 'cosign_key.py');
  writeFileSync(py, script);
  const r = await run(systemPython, [py, 'encrypt', derPath, passphraseFile, pemType, outPem]);
  assert.equal(r.code, 0, `Python could not encrypt ${derPath}: ${r.stderr}`);
}

/** Runs openssl and returns its stdout; a failure fails the test with openssl's words. */
export async function openssl(args: string[], cwd?: string): Promise<string> {
  const r = await run('openssl', args, { cwd });
  assert.equal(r.code, 0, `openssl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** `openssl dgst -sha256 -verify PUB -signature SIG DATA`: true when openssl says "Verified OK". */
export async function opensslVerifies(pubPem: string, sigDer: string, data: string): Promise<boolean> {
  const r = await run('openssl', ['dgst', '-sha256', '-verify', pubPem, '-signature', sigDer, data]);
  return r.code === 0 && r.stdout.includes('Verified OK');
}

// Runs a command on a pseudo-terminal (Python's pty), typing each line of `lines` after the output
// so far ends with a prompt (": "); prints the child's output and, last, its exit status.
const ptyScript = String.raw`
import os, pty, select, sys, time
lines = sys.argv[1].split('\n') if sys.argv[1] else []
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
out = b''
def read_until(pred, limit):
    global out
    end = time.time() + limit
    while time.time() < end and not pred():
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            out += chunk
    return pred()
for line in lines:
    seen = out.count(b': ')
    if not read_until(lambda: out.count(b': ') > seen and out.rstrip(b' ').endswith(b':'), 30):
        break
    os.write(fd, line.encode() + b'\r')
while True:
    r, _, _ = select.select([fd], [], [], 30)
    if not r:
        break
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode('utf8', 'replace'))
sys.stdout.write('\nEXIT %d\n' % os.waitstatus_to_exitcode(status))
`;

/** `cmd args` on a terminal, answering its prompts with `lines`; its output (CRLF as the tty writes it) and exit status. */
export async function runOnTerminal(cmd: string, args: string[], lines: string[]): Promise<{ output: string; code: number }> {
  const r = await run(systemPython, ['-c', ptyScript, lines.join('\n'), cmd, ...args], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const m = /\nEXIT (-?\d+)\n$/.exec(r.stdout);
  assert.ok(m, r.stdout);
  return { output: r.stdout.slice(0, m.index), code: Number(m[1]) };
}
