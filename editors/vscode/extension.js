// Minimal LSP client: starts `scn lsp` (stdio) for .scn files.
const vscode = require('vscode');

let client;

function activate() {
  const cfg = vscode.workspace.getConfiguration('scn');
  const command = cfg.get('server.path', 'scn');
  if (!command) return; // language server disabled; grammar still works
  let lc;
  try {
    lc = require('vscode-languageclient/node');
  } catch (e) {
    vscode.window.showWarningMessage('scn: run `npm install` in the extension folder to enable the language server.');
    return;
  }
  const server = { command, args: cfg.get('server.args', ['lsp']), transport: lc.TransportKind.stdio };
  client = new lc.LanguageClient('scn', 'scn language server', { run: server, debug: server }, {
    documentSelector: [{ scheme: 'file', language: 'scn' }, { scheme: 'untitled', language: 'scn' }],
  });
  client.start().catch((err) => vscode.window.showErrorMessage(`scn: could not start \`${command} lsp\`: ${err.message || err}`));
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
