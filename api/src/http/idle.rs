//! Closing connections that go quiet: every accepted connection is wrapped so that a
//! read waiting longer than the idle timeout since the connection last sent or received
//! anything fails with `TimedOut`, and hyper drops the connection. That covers an idle
//! keep-alive connection and a client that stopped half-way through its request head
//! (slowloris), which poem's own idle timeout does not: it asks hyper for a graceful
//! close, and hyper waits for the unfinished request for ever.
//!
//! The clock runs only while the connection waits for a request head: once a whole head
//! has been read (its blank line seen) it stops until the server writes its answer, so a
//! request the server takes long over (a large import) is never cut off.
//!
//! Each connection also sends its writes at once (`TCP_NODELAY`, see [`NoDelay`]).

use std::{
    io,
    pin::Pin,
    task::{Context, Poll, Waker},
    time::Duration,
};

use poem::{
    http::uri::Scheme,
    listener::Acceptor,
    web::{LocalAddr, RemoteAddr},
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    time::{Instant, Sleep},
};

/// Accepts from `inner`, wrapping each connection in an [`IdleIo`].
pub struct IdleAcceptor<A> {
    inner: A,
    timeout: Duration,
}

impl<A> IdleAcceptor<A> {
    pub fn new(inner: A, timeout: Duration) -> Self {
        Self { inner, timeout }
    }
}

/// A connection that can send each write at once. Nagle's algorithm would hold a
/// streamed body's first chunk back until the client acknowledges the headers, which it
/// delays by up to 40 ms: every `/media/…` answer (headers, then the body from the
/// store) waited that long.
pub trait NoDelay {
    fn send_at_once(&self);
}

impl NoDelay for tokio::net::TcpStream {
    fn send_at_once(&self) {
        if let Err(e) = self.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY could not be set");
        }
    }
}

impl<A: Acceptor> Acceptor for IdleAcceptor<A>
where
    A::Io: NoDelay,
{
    type Io = IdleIo<A::Io>;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.inner.local_addr()
    }

    async fn accept(&mut self) -> io::Result<(Self::Io, LocalAddr, RemoteAddr, Scheme)> {
        let (io, local, remote, scheme) = self.inner.accept().await?;
        io.send_at_once();
        Ok((IdleIo::new(io, self.timeout), local, remote, scheme))
    }
}

/// A connection whose reads fail once it has been quiet for `timeout` while waiting for
/// a request head.
pub struct IdleIo<T> {
    inner: T,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
    /// Waiting for (the rest of) a request head: the clock runs.
    armed: bool,
    /// The last bytes read, to find a head's end (`\r\n\r\n`) across reads.
    tail: [u8; 3],
    /// The reader left waiting while the clock was stopped: woken when it starts again,
    /// so that its next poll watches the deadline.
    parked_reader: Option<Waker>,
}

impl<T> IdleIo<T> {
    fn new(inner: T, timeout: Duration) -> Self {
        Self {
            inner,
            timeout,
            deadline: Box::pin(tokio::time::sleep(timeout)),
            armed: true,
            tail: [0; 3],
            parked_reader: None,
        }
    }

    /// Something was sent or received: the quiet time starts again.
    fn active(&mut self) {
        self.deadline.as_mut().reset(Instant::now() + self.timeout);
    }

    /// The server wrote (its answer): the clock runs again until the next head.
    fn wrote(&mut self) {
        self.active();
        self.armed = true;
        if let Some(reader) = self.parked_reader.take() {
            reader.wake();
        }
    }

    /// `bytes` were read: a head that ends in them stops the clock.
    fn read(&mut self, bytes: &[u8]) {
        let mut seen = Vec::with_capacity(3 + bytes.len().min(4096));
        seen.extend_from_slice(&self.tail);
        seen.extend_from_slice(&bytes[bytes.len().saturating_sub(4096)..]);
        if ends_a_head(&seen) || ends_a_head(bytes) {
            self.armed = false;
        }
        let keep = seen.len().saturating_sub(3);
        self.tail.copy_from_slice(&seen[keep..keep + 3]);
    }
}

/// Whether `bytes` hold the blank line that ends a request head.
fn ends_a_head(bytes: &[u8]) -> bool {
    bytes.windows(4).any(|w| w == b"\r\n\r\n")
}

impl<T: AsyncRead + Unpin> AsyncRead for IdleIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                this.active();
                this.read(&buf.filled()[before..]);
                Poll::Ready(result)
            }
            Poll::Pending if !this.armed => {
                this.parked_reader = Some(cx.waker().clone());
                Poll::Pending
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the connection was idle too long",
                ))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for IdleIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write(cx, buf);
        if written.is_ready() {
            this.wrote();
        }
        written
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if written.is_ready() {
            this.wrote();
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_head_ending_across_reads_stops_the_clock() {
        let mut io = IdleIo::new((), Duration::from_secs(1));
        io.read(b"GET / HTTP/1.1\r\nHost: q\r\n");
        assert!(io.armed, "half a head");
        io.read(b"\r");
        assert!(io.armed);
        io.read(b"\n");
        assert!(!io.armed, "the blank line, split over two reads");
        let mut io = IdleIo::new((), Duration::from_secs(1));
        io.read(b"POST / HTTP/1.1\r\n\r\n{\"query\":1}");
        assert!(!io.armed);
    }
}
