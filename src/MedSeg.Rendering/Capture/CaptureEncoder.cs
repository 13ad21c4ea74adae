namespace MedSeg.Rendering.Capture;

/// <summary>
/// The encoder thread: read-back frames queue here (bounded, drop-oldest) and one dedicated
/// thread writes them to an <see cref="ICaptureSink"/> (MP4 through ffmpeg's stdin, PNGs), so
/// the GL thread never waits on an encoder or a disk.
/// </summary>
/// <remarks>
/// Inputs: <see cref="Post"/> from the GL thread; never blocks. Outputs: the sink, on this thread.
/// Memory: at most <c>capacity</c> queued images plus the one being written; the buffers are
/// pooled (<see cref="CapturedImage"/>). Notes: when the encoder falls behind the oldest queued
/// frame is dropped and counted (the video then skips a frame; the view never slows). A sink that
/// throws stops writing; later frames are counted as failed and <see cref="Complete"/> rethrows.
/// </remarks>
public sealed class CaptureEncoder : IDisposable
{
    private readonly ICaptureSink _sink;
    private readonly DropOldestQueue<CapturedImage> _queue;
    private readonly Thread _thread;
    private long _posted, _written, _failed;
    // Every image queued and every image taken off the queue, warm-up reads included (WaitIdle).
    private long _added, _settled;
    private Exception? _error;
    private bool _completed;
    private readonly (int Width, int Height)? _prepare;
    private readonly ManualResetEventSlim _prepared = new();

    /// <param name="prepare">The frames' size when it is known up front: the thread first calls the
    /// sink's <see cref="ICaptureSink.Prepare"/> with it (<see cref="WaitPrepared"/> waits for that).</param>
    /// <remarks>
    /// The thread runs at the caller's priority. It used to lower its own nice value to 10, but a
    /// Linux thread passes its nice value on to every thread it creates, and the runtime creates its
    /// thread-pool workers and its gate, timer and socket threads on whichever thread first needs
    /// them, which was this one (ffmpeg's start and its pipes): every pool worker, and the inference
    /// slot thread started from one, ran the whole session at nice 10, below the GL thread, Xvfb and
    /// llvmpipe. Niced after ffmpeg's start instead, it would share the queue's lock with the GL
    /// thread at a lower priority. The work that costs is x264's (14 ms of CPU per 1024×768 frame
    /// against this thread's 2), in its own process under `nice -n 19` (<see cref="VideoRecorder"/>).
    /// </remarks>
    public CaptureEncoder(ICaptureSink sink, int capacity = 4, (int Width, int Height)? prepare = null)
    {
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        if (prepare is { } size)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size.Width, nameof(prepare));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size.Height, nameof(prepare));
        }
        _prepare = prepare;
        _queue = new DropOldestQueue<CapturedImage>(capacity, static image => image.Dispose());
        // A thread of its own rather than the pool: ffmpeg's pipe blocks it for whole frames.
        _thread = new Thread(Consume) { IsBackground = true, Name = "medseg capture encoder" };
        _thread.Start();
    }

    /// <summary>Posted, dropped, written and failed so far (any thread).</summary>
    public CaptureSummary Summary(long requested = 0, long skipped = 0) =>
        new(requested, skipped, _queue.Dropped, Interlocked.Read(ref _written), Interlocked.Read(ref _failed));

    public long Posted => Interlocked.Read(ref _posted);

    /// <summary>
    /// Waits until the thread has prepared the sink (at once when no size was given); a failed
    /// prepare is not thrown here but counts later frames as failed and is rethrown by <see cref="Complete"/>.
    /// </summary>
    /// <returns>False when <paramref name="timeout"/> passed first.</returns>
    public bool WaitPrepared(TimeSpan timeout) => _prepared.Wait(timeout);

    /// <summary>Queues a frame; the encoder owns it from here. Never waits (a full queue drops its oldest).</summary>
    /// <remarks>A warm-up read (<see cref="CaptureRequest.WarmUp"/>) goes to the sink's
    /// <see cref="ICaptureSink.WarmUp"/> and is counted in neither <see cref="Posted"/> nor <see cref="Summary"/>.</remarks>
    public void Post(CapturedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!image.Request.WarmUp) Interlocked.Increment(ref _posted);
        Interlocked.Increment(ref _added);
        _queue.Add(image);
    }

    /// <summary>Waits until every image posted so far has been written, warmed up or dropped (start-up: the warm-up's encoding is over before the clock starts).</summary>
    /// <returns>False when <paramref name="timeout"/> passed first.</returns>
    public bool WaitIdle(TimeSpan timeout) =>
        SpinWait.SpinUntil(() => Interlocked.Read(ref _settled) + _queue.Dropped >= Interlocked.Read(ref _added), timeout);

    /// <summary>Writes what is queued, finishes the sink and waits for the thread; throws when the sink failed.</summary>
    /// <exception cref="IOException">The sink failed (the first error is the inner exception).</exception>
    public void Complete()
    {
        if (!_completed)
        {
            _completed = true;
            _queue.Complete();
            _thread.Join();
        }
        if (_error is not null) throw new IOException($"capture encoder failed: {_error.Message}", _error);
    }

    public void Dispose()
    {
        if (_completed) return;
        _completed = true;
        _queue.Complete();
        _thread.Join();
    }

    private void Consume()
    {
        try
        {
            if (_prepare is { } size) _sink.Prepare(size.Width, size.Height);
        }
        catch (Exception e)
        {
            _error = e;
        }
        finally
        {
            _prepared.Set();
        }
        while (_queue.TryTake(out var image))
        {
            using (image) Write(image);   // never throws: a failure is kept for Complete
            Interlocked.Increment(ref _settled);
        }
        try { _sink.Complete(); }
        catch (Exception e) { _error ??= e; }
    }

    /// <summary>One image to the sink (the encoder thread); a sink that threw once gets no more.</summary>
    private void Write(CapturedImage image)
    {
        if (image.Request.WarmUp)
        {
            // Best effort: a warm-up that fails says nothing about the frames (the first real one reports it).
            try { _sink.WarmUp(image); }
            catch (Exception) { }
            return;
        }
        if (_error is not null)
        {
            Interlocked.Increment(ref _failed);
            return;
        }
        try
        {
            _sink.Write(image);
            Interlocked.Increment(ref _written);
        }
        catch (Exception e)
        {
            _error = e;
            Interlocked.Increment(ref _failed);
        }
    }
}
