// The one way ParamLens builds a webview page: assets only from the extension's media/ and dist/, and a
// strict content-security policy (nothing by default, the webview's own styles and fonts, one script by a
// fresh nonce) that a page widens only by name.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  title: string;
  /** Stylesheets, as paths under the extension; `id` for a sheet that a library looks up by id. */
  styles: { path: string; id?: string }[];
  /** The page's markup: static, or escaped by the caller. */
  body: string;
  /** The page's script, as a path under the extension. */
  script: string;
  /** `data-*` attributes of the script tag that name more assets (a worker's script, say), as paths. */
  scriptAssets?: Record<string, string>;
  /** What the policy allows beyond the default: images (also `data:`), and workers loaded from blobs. */
  allow?: ('images' | 'workers')[];
}

/** The folders a webview may load from; pass as `localResourceRoots`. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')];
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const asset = (file: string): string =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...file.split('/'))).toString();
  const nonce = randomBytes(16).toString('base64');
  const allow = new Set(page.allow ?? []);
  const csp = [
    "default-src 'none'",
    ...(allow.has('images') ? [`img-src ${webview.cspSource} data:`] : []),
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // A worker starts from a blob of its script, which it fetches from the extension first.
    ...(allow.has('workers') ? ['worker-src blob:', `connect-src ${webview.cspSource}`] : []),
  ].join('; ');
  const styles = page.styles
    .map(
      (style) =>
        `  <link rel="stylesheet" href="${asset(style.path)}"${style.id ? ` id="${style.id}"` : ''}>`,
    )
    .join('\n');
  const data = Object.entries(page.scriptAssets ?? {})
    .map(([name, file]) => ` data-${name}="${asset(file)}"`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
  <title>${page.title}</title>
</head>
<body>
${page.body}
  <script nonce="${nonce}" src="${asset(page.script)}"${data}></script>
</body>
</html>`;
}
