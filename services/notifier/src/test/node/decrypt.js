// Decrypts one Web Push message body with npm http_ece (an implementation that is not ours).
// stdin: {"body": base64, "privateKey": base64url 32-byte scalar, "authSecret": base64url 16 bytes}
// stdout: the plaintext, as UTF-8.
'use strict';
const crypto = require('crypto');
const ece = require('http_ece');

let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const req = JSON.parse(input);
  const receiver = crypto.createECDH('prime256v1');
  receiver.setPrivateKey(Buffer.from(req.privateKey, 'base64url'));
  const plaintext = ece.decrypt(Buffer.from(req.body, 'base64'), {
    version: 'aes128gcm',
    privateKey: receiver,
    authSecret: Buffer.from(req.authSecret, 'base64url'),
  });
  process.stdout.write(plaintext.toString('utf8'));
});
