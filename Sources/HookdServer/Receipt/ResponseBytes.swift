import NIOCore
import NIOHTTP1

/// The webhook listener's answers as the bytes on the wire: a status line, three headers at most
/// and the JSON body, in one buffer and one write. NIO's response encoder would take three writes
/// (head, body, end) through the pipeline for the same bytes.
enum ResponseBytes {
    /// What the `Connection` header says.
    enum Connection {
        /// Nothing: HTTP/1.1's default, the connection stays open.
        case unstated
        /// `keep-alive`, for an HTTP/1.0 client that asked for it.
        case keepAlive
        /// `close`: the connection closes after this answer.
        case close
    }

    static func answer(_ answer: ReceiptAnswer, version: HTTPVersion, connection: Connection, allocator: ByteBufferAllocator) -> ByteBuffer {
        let body = answer.body.utf8
        var buffer = allocator.buffer(capacity: 128 + body.count)
        statusLine(answer.status, version: version, into: &buffer)
        buffer.writeStaticString("content-type: application/json\r\ncontent-length: ")
        buffer.writeString(String(body.count))
        switch connection {
        case .unstated: break
        case .keepAlive: buffer.writeStaticString("\r\nconnection: keep-alive")
        case .close: buffer.writeStaticString("\r\nconnection: close")
        }
        buffer.writeStaticString("\r\n\r\n")
        buffer.writeString(answer.body)
        return buffer
    }

    /// `100 Continue`, for a request that sent `Expect: 100-continue` and whose head was admitted.
    static func `continue`(version: HTTPVersion, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 32)
        statusLine(100, version: version, into: &buffer)
        buffer.writeStaticString("\r\n")
        return buffer
    }

    /// `HTTP/1.1 200 OK\r\n`, the version echoing the request's (1.0 or 1.1).
    private static func statusLine(_ status: Int, version: HTTPVersion, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(version == .http1_0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        buffer.writeString(String(status))
        buffer.writeStaticString(" ")
        buffer.writeString(HTTPResponseStatus(statusCode: status).reasonPhrase)
        buffer.writeStaticString("\r\n")
    }
}
