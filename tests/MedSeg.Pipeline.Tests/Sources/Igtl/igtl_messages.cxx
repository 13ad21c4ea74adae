// Reads and writes OpenIGTLink messages with Debian's libOpenIGTLink, through files, for
// IgtlMessagesTests:
//   igtl_messages read FILE     unpacks every message in FILE (CRC checked) and prints what the library sees
//   igtl_messages write FILE    packs an IMAGE (spacing, origin, normals) and a TRANSFORM into FILE
#include <cstdio>
#include <cstring>
#include <vector>
#include "igtlMessageHeader.h"
#include "igtlImageMessage.h"
#include "igtlLabelMetaMessage.h"
#include "igtlColorTableMessage.h"
#include "igtlTransformMessage.h"

static int Read(const char* path) {
  FILE* f = std::fopen(path, "rb");
  if (!f) return 2;
  while (true) {
    igtl::MessageHeader::Pointer h = igtl::MessageHeader::New();
    h->InitPack();
    if (std::fread(h->GetPackPointer(), 1, h->GetPackSize(), f) != (size_t)h->GetPackSize()) break;
    h->Unpack();
    igtl::MessageBase::Pointer m;
    std::string type = h->GetDeviceType();
    if (type == "IMAGE") m = igtl::ImageMessage::New();
    else if (type == "LBMETA") m = igtl::LabelMetaMessage::New();
    else if (type == "COLORT") m = igtl::ColorTableMessage::New();
    else if (type == "TRANSFORM") m = igtl::TransformMessage::New();
    else { std::printf("OTHER %s %s\n", type.c_str(), h->GetDeviceName()); std::fseek(f, h->GetBodySizeToRead(), SEEK_CUR); continue; }
    m->SetMessageHeader(h);
    m->AllocatePack();
    if (std::fread(m->GetPackBodyPointer(), 1, m->GetPackBodySize(), f) != (size_t)m->GetPackBodySize()) return 3;
    int r = m->Unpack(1);
    if (!(r & igtl::MessageHeader::UNPACK_BODY)) { std::printf("BADCRC %s\n", type.c_str()); continue; }
    if (type == "IMAGE") {
      igtl::ImageMessage* im = (igtl::ImageMessage*)m.GetPointer();
      int d[3]; float s[3], o[3], t[3], sv[3], n[3];
      im->GetDimensions(d); im->GetSpacing(s); im->GetOrigin(o); im->GetNormals(t, sv, n);
      std::printf("IMAGE %s size %d %d %d spacing %.4f %.4f %.4f origin %.4f %.4f %.4f t %.4f %.4f %.4f s %.4f %.4f %.4f coord %d\n",
                  im->GetDeviceName(), d[0], d[1], d[2], s[0], s[1], s[2], o[0], o[1], o[2], t[0], t[1], t[2], sv[0], sv[1], sv[2], im->GetCoordinateSystem());
    } else if (type == "LBMETA") {
      igtl::LabelMetaMessage* lm = (igtl::LabelMetaMessage*)m.GetPointer();
      for (int i = 0; i < lm->GetNumberOfLabelMetaElement(); i++) {
        igtl::LabelMetaElement::Pointer e;
        lm->GetLabelMetaElement(i, e);
        igtlUint8 rgba[4]; igtlUint16 sz[3];
        e->GetRGBA(rgba); e->GetSize(sz);
        std::printf("LABEL %d name=%s device=%s rgba=%d,%d,%d,%d size=%d,%d,%d owner=%s\n", e->GetLabel(), e->GetName(), e->GetDeviceName(),
                    rgba[0], rgba[1], rgba[2], rgba[3], sz[0], sz[1], sz[2], e->GetOwner());
      }
    } else if (type == "COLORT") {
      igtl::ColorTableMessage* cm = (igtl::ColorTableMessage*)m.GetPointer();
      unsigned char* t = (unsigned char*)cm->GetTablePointer();
      std::printf("COLORT index %d map %d entries", cm->GetIndexType(), cm->GetMapType());
      for (int i = 0; i < 4; i++) std::printf(" %d,%d,%d", t[3 * i], t[3 * i + 1], t[3 * i + 2]);
      std::printf("\n");
    }
  }
  std::fclose(f);
  return 0;
}

static int Write(const char* path) {
  FILE* f = std::fopen(path, "wb");
  if (!f) return 2;
  igtl::ImageMessage::Pointer im = igtl::ImageMessage::New();
  im->SetDimensions(4, 3, 1);
  im->SetSpacing(0.5f, 0.25f, 2.0f);
  im->SetScalarTypeToUint8();
  im->SetDeviceName("Probe");
  im->SetOrigin(10.0f, -20.0f, 30.0f);
  float t[3] = {0.0f, 1.0f, 0.0f}, s[3] = {-1.0f, 0.0f, 0.0f}, n[3] = {0.0f, 0.0f, 1.0f};
  im->SetNormals(t, s, n);
  im->AllocateScalars();
  std::memset(im->GetScalarPointer(), 7, im->GetImageSize());
  im->Pack();
  std::fwrite(im->GetPackPointer(), 1, im->GetPackSize(), f);
  igtl::TransformMessage::Pointer tm = igtl::TransformMessage::New();
  tm->SetDeviceName("ProbeToTracker");
  igtl::Matrix4x4 mat = {{0, -1, 0, 11.5f}, {1, 0, 0, -2.25f}, {0, 0, 1, 100}, {0, 0, 0, 1}};
  tm->SetMatrix(mat);
  tm->Pack();
  std::fwrite(tm->GetPackPointer(), 1, tm->GetPackSize(), f);
  std::fclose(f);
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 3) return 1;
  return std::strcmp(argv[1], "read") == 0 ? Read(argv[2]) : Write(argv[2]);
}
