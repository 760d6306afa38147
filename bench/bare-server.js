/**
 * The yardstick: a bare `node:http` server that reads the body, JSON-parses it and answers a
 * fixed /webhook reply. It does the least work any Node server answering Rasa must do.
 * Listens on 127.0.0.1:PORT.
 */
'use strict';
const http = require('node:http');

const ANSWER = Buffer.from(JSON.stringify({ events: [], responses: [] }));

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end('{"error":"bad json"}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': ANSWER.length });
    res.end(ANSWER);
  });
});
server.keepAliveTimeout = 120_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
