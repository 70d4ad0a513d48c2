// The reference tus server from npm, on 127.0.0.1 and an ephemeral port, storing uploads in the
// folder given as the first argument. Prints {"port": N} once listening; stops on SIGTERM.
import http from 'node:http'
import { Server } from '@tus/server'
import { FileStore } from '@tus/file-store'

const dir = process.argv[2]
const tus = new Server({ path: '/files', datastore: new FileStore({ directory: dir }) })
const server = http.createServer((req, res) => tus.handle(req, res))
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }))
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
