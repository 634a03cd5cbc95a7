namespace Sightline.Imaging;

/// <summary>
/// Root of every error Sightline reports to its users. It lives in Imaging because this is the
/// lowest layer every other project references; catching it separates expected, explainable
/// failures (bad input, missing files) from programming errors.
/// </summary>
public abstract class SightlineException : Exception
{
    protected SightlineException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
