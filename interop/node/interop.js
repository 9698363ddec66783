'use strict';
// Drives `wxpay serve` with wechatpay-axios-plugin, unmodified, in each
// key mode: APIv3 reverse, Native prepay and query, the payment callback
// (sent on "pay OUT_TRADE_NO", verified with the plugin's Rsa and
// decrypted with its AesGcm; with both keys, one under each), the
// v3/certificates list, APIv2 orderquery and the mTLS face-pay reverse
// (v2 secapi/pay/reverse), then what wxpay serve printed of them. WXPAY
// names the wxpay binary; arguments, if any, name the key modes to run.
// Prints one line per case and exits 1 if any failed.

const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { Wechatpay, Rsa, Formatter, Aes: { AesGcm } } = require('wechatpay-axios-plugin');

const FIXTURE = '1217752501201407033233368018';
let failed = 0;

function report(mode, name, err) {
  if (err) {
    failed++;
    const data = err.response ? ` ${err.response.status} ${JSON.stringify(err.response.data)}` : '';
    console.log(`FAIL ${mode} ${name}: ${`${err.message}${data}`.slice(0, 2000)}`);
  } else {
    console.log(`ok   ${mode} ${name}`);
  }
}

async function check(mode, name, fn) {
  try {
    await fn();
    report(mode, name);
  } catch (err) {
    report(mode, name, err);
  }
}

function assert(cond, message) {
  if (!cond) { throw new Error(message); }
}

// startServer runs `wxpay serve -keys mode` and resolves once its banner
// is out, with the child, its config and the lines it prints after.
function startServer(mode) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `wxpay-node-${mode}-`));
  const args = ['serve', '-dir', dir];
  if (mode !== 'default') { args.push('-keys', mode); }
  const child = spawn(process.env.WXPAY, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  return new Promise((resolve, reject) => {
    let ready = false;
    child.on('error', reject);
    child.on('exit', (code) => { if (!ready) { reject(new Error(`wxpay serve exited ${code}`)); } });
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (!ready && line.startsWith('start. Ctrl-C stops the server.')) {
        ready = true;
        const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
        resolve({ child, config, lines, dir });
      }
    });
  });
}

// notifyServer takes one callback at a time: each resolves the next
// promise of wait() with the plugin's verdict.
function notifyServer(config) {
  const certs = Object.fromEntries(Object.entries(config.certs)
    .map(([serial, file]) => [serial, Rsa.from(`file://${file}`, Rsa.KEY_TYPE_PUBLIC)]));
  const waiting = [];
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const serial = req.headers['wechatpay-serial'];
      let verdict;
      try {
        assert(certs[serial], `Wechatpay-Serial ${serial} is not one of ${Object.keys(certs)}`);
        const ok = Rsa.verify(Formatter.response(req.headers['wechatpay-timestamp'], req.headers['wechatpay-nonce'], body),
          req.headers['wechatpay-signature'], certs[serial]);
        assert(ok, `signature under ${serial} does not verify`);
        const { event_type: event, resource } = JSON.parse(body);
        const tx = JSON.parse(AesGcm.decrypt(resource.ciphertext, config.apiv3Key, resource.nonce, resource.associated_data));
        verdict = { event, tx, serial };
        res.writeHead(204).end();
      } catch (err) {
        verdict = { err };
        res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code: 'FAIL', message: err.message }));
      }
      (waiting.shift() || (() => {}))(verdict);
    });
  });
  return new Promise((resolve) => {
    srv.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${srv.address().port}/notify`,
      wait: () => new Promise((r) => waiting.push(r)),
      close: () => srv.close(),
    }));
  });
}

async function run(mode) {
  const { child, config, lines } = await startServer(mode);
  const ca = fs.readFileSync(config.rootCA);
  const wxpay = new Wechatpay({
    mchid: config.mchid,
    serial: config.serial,
    privateKey: `file://${config.privateKey}`,
    certs: Object.fromEntries(Object.entries(config.certs).map(([serial, file]) => [serial, `file://${file}`])),
    secret: config.secret,
    merchant: { cert: fs.readFileSync(config.merchantCert), key: fs.readFileSync(config.privateKey), ca },
    baseURL: config.baseURL,
    httpsAgent: new https.Agent({ ca }),
  });
  const appid = 'wxd678efh567hg6787';
  const notify = await notifyServer(config);
  const out = `NODE-${mode}`;

  await check(mode, 'v3 reverse', async () => {
    const { status, data } = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.reverse.post(
      { appid, mchid: config.mchid }, { out_trade_no: FIXTURE });
    assert(status === 200 && data.out_trade_no === FIXTURE, `${status} ${JSON.stringify(data)}`);
  });
  await check(mode, 'v3 native prepay', async () => {
    const { data } = await wxpay.v3.pay.transactions.native.post({
      appid, mchid: config.mchid, description: 'Image形象店-深圳腾大-QQ公仔', out_trade_no: out,
      notify_url: notify.url, amount: { total: 1, currency: 'CNY' },
    });
    assert(data.code_url.startsWith('weixin://wxpay/'), `code_url ${data.code_url}`);
  });
  await check(mode, 'v3 query', async () => {
    const { data } = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ params: { mchid: config.mchid }, out_trade_no: out });
    assert(data.trade_state === 'NOTPAY', `trade_state ${data.trade_state}`);
  });
  await check(mode, 'payment callback', async () => {
    const got = notify.wait();
    child.stdin.write(`pay ${out}\n`);
    const v = await got;
    if (v.err) { throw v.err; }
    assert(v.event === 'TRANSACTION.SUCCESS' && v.tx.out_trade_no === out && v.tx.trade_state === 'SUCCESS', JSON.stringify(v));
    const { data } = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ params: { mchid: config.mchid }, out_trade_no: out });
    assert(data.trade_state === 'SUCCESS', `trade_state after pay ${data.trade_state}`);
  });
  if (mode === 'both') {
    // While switching, callbacks are signed in turn with the public key
    // and a certificate: the plugin's Rsa verifies each under its serial.
    await check(mode, 'payment callbacks under both keys', async () => {
      const serials = new Set();
      for (const no of [`${out}-2`, `${out}-3`]) {
        await wxpay.v3.pay.transactions.native.post({
          appid, mchid: config.mchid, description: 'd', out_trade_no: no, notify_url: notify.url, amount: { total: 1 },
        });
        const got = notify.wait();
        child.stdin.write(`pay ${no}\n`);
        const v = await got;
        if (v.err) { throw v.err; }
        serials.add(v.serial);
      }
      assert(serials.size === 2, `callbacks signed under ${[...serials]}, want the public key and a certificate`);
    });
  }
  await check(mode, 'v3 certificates', async () => {
    // The list, verified by the client as any reply, each certificate
    // decrypted with the plugin's AesGcm: the ones wxpay serve wrote.
    let res;
    try {
      res = await wxpay.v3.certificates.get();
    } catch (err) {
      if (mode !== 'pubkey') { throw err; }
      // No platform certificate: WeChat Pay answers 404.
      const { status, data } = err.response || {};
      assert(status === 404 && data.code === 'RESOURCE_NOT_EXISTS', `${status} ${JSON.stringify(data)}`);
      return;
    }
    assert(mode !== 'pubkey', 'v3/certificates answered a merchant with the public key only');
    const want = mode === 'default' ? null : Object.entries(config.certs).filter(([serial]) => !serial.startsWith('PUB_KEY_ID_'));
    assert(res.data.data.length > 0 && (!want || res.data.data.length === want.length), `${res.data.data.length} certificates`);
    for (const { serial_no: serial, encrypt_certificate: { ciphertext, nonce, associated_data: aad } } of res.data.data) {
      const got = new crypto.X509Certificate(AesGcm.decrypt(ciphertext, config.apiv3Key, nonce, aad));
      assert(got.serialNumber === serial, `certificate ${got.serialNumber} listed as ${serial}`);
      if (want) {
        const have = new crypto.X509Certificate(fs.readFileSync(config.certs[serial]));
        assert(got.fingerprint256 === have.fingerprint256, `${serial} differs from the one in config.json`);
      }
    }
  });
  await check(mode, 'v2 orderquery', async () => {
    const { data } = await wxpay.v2.pay.orderquery.post({ appid, mch_id: config.mchid, out_trade_no: FIXTURE });
    assert(data.out_trade_no === FIXTURE && data.trade_state, JSON.stringify(data));
  });
  await check(mode, 'v2 secapi/pay/reverse (mTLS)', async () => {
    // The first reverse of an order times out (recall Y), as real ones
    // sometimes do; the second reverses it.
    const body = { appid, mch_id: config.mchid, out_trade_no: FIXTURE };
    try {
      await wxpay.v2.secapi.pay.reverse.post(body, { security: true });
      throw new Error('first reverse succeeded, want SYSTEMERROR');
    } catch (err) {
      const data = err.response && err.response.data;
      assert(data && data.err_code === 'SYSTEMERROR' && data.recall === 'Y', `first reverse: ${err.message}`);
    }
    const { data } = await wxpay.v2.secapi.pay.reverse.post(body, { security: true });
    assert(data.result_code === 'SUCCESS' && data.recall === 'N', JSON.stringify(data));
  });

  notify.close();
  child.kill('SIGINT');
  await new Promise((r) => child.on('exit', r));
  // wxpay serve printed each request once with its verdict.
  const requests = lines.filter((l) => / -> /.test(l) && /^(GET|POST) /.test(l));
  const refused = requests.filter((l) => !l.endsWith(' -> ok'));
  await check(mode, 'wxpay serve log', async () => {
    // 8 of this script, and 2 orders more with both keys.
    const n = mode === 'both' ? 10 : 8;
    assert(requests.length === n, `${requests.length} requests printed, want ${n}:\n${requests.join('\n')}`);
    assert(lines.includes(`stopped after ${n} request(s)`), `no "stopped after ${n} request(s)" in:\n${lines.join('\n')}`);
    const want = ['POST /secapi/pay/reverse -> 200 SYSTEMERROR: 系统超时'];
    if (mode === 'pubkey') { want.unshift('GET /v3/certificates -> 404 RESOURCE_NOT_EXISTS: '); }
    assert(refused.length === want.length && refused.every((l, i) => l.startsWith(want[i])),
      `refused:\n${refused.join('\n')}\nwant:\n${want.join('\n')}`);
  });
}

(async () => {
  const modes = process.argv.length > 2 ? process.argv.slice(2) : ['default', 'pubkey', 'certificate', 'both'];
  for (const mode of modes) {
    try {
      await run(mode);
    } catch (err) {
      report(mode, 'server', err);
    }
  }
  console.log(failed ? `${failed} failed` : 'all passed');
  process.exit(failed ? 1 : 0);
})();
