using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace EdgeGateway.Center.Web;

/// <summary>
/// The sign-in cookies' keys, in memory only: a restart signs the operators out, and no key file lies on disk to be
/// stolen or kept secret (ASP.NET's default writes one under the user's home).
/// </summary>
internal sealed class InMemoryKeyRepository : IXmlRepository
{
    private readonly List<XElement> _elements = [];
    private readonly Lock _lock = new();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_lock)
        {
            return [.. _elements.Select(e => new XElement(e))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_lock)
        {
            _elements.Add(new XElement(element));
        }
    }
}
