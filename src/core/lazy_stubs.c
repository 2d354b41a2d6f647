/*
 * Stubs for the functions libvigie takes from libcurl, libmicrohttpd and
 * GMime (vigie/lazy.h): each has the name and type the library's header
 * declares (the compiler checks that they agree), and calls the library's
 * function, loading the library the first time. Linked into the vigie
 * executable instead of the libraries themselves; a program that links the
 * libraries (a test calling GMime itself) leaves this file out.
 */
#define CURL_DISABLE_TYPECHECK /* plain prototypes, no checking macros */
#include <curl/curl.h>
#include <gmime/gmime.h>
#include <microhttpd.h>
#include <stdarg.h>

#include "core/lazy_syms.h"

#define GETTER(lib, f)                                                                             \
	static void *slot_##f;                                                                     \
	static inline __typeof__(&f) get_##f(void)                                                 \
	{                                                                                          \
		return (__typeof__(&f))vgi_lazy_sym(lib, #f, &slot_##f);                           \
	}
#define CURL_GETTER(f) GETTER(VG_LAZY_CURL, f)
#define MHD_GETTER(f) GETTER(VG_LAZY_MHD, f)
#define GMIME_GETTER(f) GETTER(VG_LAZY_GMIME, f)
VG_LAZY_CURL_SYMS(CURL_GETTER)
VG_LAZY_MHD_SYMS(MHD_GETTER)
VG_LAZY_GMIME_SYMS(GMIME_GETTER)

/* ------------------------------------------------------------ libcurl */

CURLcode(curl_global_init)(long flags)
{
	return get_curl_global_init()(flags);
}
void(curl_global_cleanup)(void)
{
	get_curl_global_cleanup()();
}
CURL *(curl_easy_init)(void)
{
	return get_curl_easy_init()();
}
void(curl_easy_cleanup)(CURL *curl)
{
	get_curl_easy_cleanup()(curl);
}
void(curl_easy_reset)(CURL *curl)
{
	get_curl_easy_reset()(curl);
}
CURLcode(curl_easy_perform)(CURL *curl)
{
	return get_curl_easy_perform()(curl);
}
const char *(curl_easy_strerror)(CURLcode code)
{
	return get_curl_easy_strerror()(code);
}
struct curl_slist *(curl_slist_append)(struct curl_slist *list, const char *data)
{
	return get_curl_slist_append()(list, data);
}
void(curl_slist_free_all)(struct curl_slist *list)
{
	get_curl_slist_free_all()(list);
}

/* The one argument after the option, passed on with the type libcurl reads
 * it with: the option's number says which (curl.h: CURLOPTTYPE_*). */
CURLcode(curl_easy_setopt)(CURL *curl, CURLoption option, ...)
{
	va_list ap;
	va_start(ap, option);
	CURLcode rc;
	__typeof__(&curl_easy_setopt) f = get_curl_easy_setopt();
	if (option < CURLOPTTYPE_OBJECTPOINT) {
		long v = va_arg(ap, long);
		rc = f(curl, option, v);
	} else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
		void *v = va_arg(ap, void *);
		rc = f(curl, option, v);
	} else if (option < CURLOPTTYPE_OFF_T) {
		void (*v)(void) = va_arg(ap, void (*)(void));
		rc = f(curl, option, v);
	} else if (option < CURLOPTTYPE_BLOB) {
		curl_off_t v = va_arg(ap, curl_off_t);
		rc = f(curl, option, v);
	} else {
		void *v = va_arg(ap, void *);
		rc = f(curl, option, v);
	}
	va_end(ap);
	return rc;
}

/* Every CURLINFO_* takes a pointer. */
CURLcode(curl_easy_getinfo)(CURL *curl, CURLINFO info, ...)
{
	va_list ap;
	va_start(ap, info);
	void *p = va_arg(ap, void *);
	va_end(ap);
	return get_curl_easy_getinfo()(curl, info, p);
}

/* ------------------------------------------------------------ libmicrohttpd */

struct MHD_Daemon *(MHD_start_daemon)(unsigned int flags, uint16_t port,
                                      MHD_AcceptPolicyCallback apc, void *apc_cls,
                                      MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	va_list ap;
	va_start(ap, dh_cls);
	struct MHD_Daemon *d = get_MHD_start_daemon_va()(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}
void(MHD_stop_daemon)(struct MHD_Daemon *daemon)
{
	get_MHD_stop_daemon()(daemon);
}
MHD_socket(MHD_quiesce_daemon)(struct MHD_Daemon *daemon)
{
	return get_MHD_quiesce_daemon()(daemon);
}
/* The info types libvigie asks for take no argument after the type. */
const union MHD_DaemonInfo *(MHD_get_daemon_info)(struct MHD_Daemon *daemon,
                                                  enum MHD_DaemonInfoType info_type, ...)
{
	return get_MHD_get_daemon_info()(daemon, info_type);
}
const union MHD_ConnectionInfo *(MHD_get_connection_info)(struct MHD_Connection *connection,
                                                          enum MHD_ConnectionInfoType info_type,
                                                          ...)
{
	return get_MHD_get_connection_info()(connection, info_type);
}
const char *(MHD_lookup_connection_value)(struct MHD_Connection *connection,
                                          enum MHD_ValueKind kind, const char *key)
{
	return get_MHD_lookup_connection_value()(connection, kind, key);
}
struct MHD_Response *(MHD_create_response_from_buffer)(size_t size, void *buffer,
                                                       enum MHD_ResponseMemoryMode mode)
{
	return get_MHD_create_response_from_buffer()(size, buffer, mode);
}
struct MHD_Response *(
    MHD_create_response_from_buffer_with_free_callback)(size_t size, void *buffer,
                                                        MHD_ContentReaderFreeCallback crfc)
{
	return get_MHD_create_response_from_buffer_with_free_callback()(size, buffer, crfc);
}
enum MHD_Result(MHD_add_response_header)(struct MHD_Response *response, const char *header,
                                         const char *content)
{
	return get_MHD_add_response_header()(response, header, content);
}
enum MHD_Result(MHD_queue_response)(struct MHD_Connection *connection, unsigned int status_code,
                                    struct MHD_Response *response)
{
	return get_MHD_queue_response()(connection, status_code, response);
}
void(MHD_destroy_response)(struct MHD_Response *response)
{
	get_MHD_destroy_response()(response);
}
void(MHD_suspend_connection)(struct MHD_Connection *connection)
{
	get_MHD_suspend_connection()(connection);
}
void(MHD_resume_connection)(struct MHD_Connection *connection)
{
	get_MHD_resume_connection()(connection);
}

/* ------------------------------------------------------------ GMime, GObject, GLib */

void(g_mime_init)(void)
{
	get_g_mime_init()();
}
char *(g_mime_content_type_get_mime_type)(GMimeContentType *content_type)
{
	return get_g_mime_content_type_get_mime_type()(content_type);
}
gboolean(g_mime_content_type_is_type)(GMimeContentType *content_type, const char *type,
                                      const char *subtype)
{
	return get_g_mime_content_type_is_type()(content_type, type, subtype);
}
ssize_t(g_mime_data_wrapper_write_to_stream)(GMimeDataWrapper *wrapper, GMimeStream *stream)
{
	return get_g_mime_data_wrapper_write_to_stream()(wrapper, stream);
}
const char *(g_mime_header_get_name)(GMimeHeader *header)
{
	return get_g_mime_header_get_name()(header);
}
const char *(g_mime_header_get_value)(GMimeHeader *header)
{
	return get_g_mime_header_get_value()(header);
}
int(g_mime_header_list_get_count)(GMimeHeaderList *headers)
{
	return get_g_mime_header_list_get_count()(headers);
}
GMimeHeader *(g_mime_header_list_get_header_at)(GMimeHeaderList *headers, int index)
{
	return get_g_mime_header_list_get_header_at()(headers, index);
}
GMimeObject *(g_mime_message_get_body)(GMimeMessage *message)
{
	return get_g_mime_message_get_body()(message);
}
InternetAddressList *(g_mime_message_get_from)(GMimeMessage *message)
{
	return get_g_mime_message_get_from()(message);
}
GMimeObject *(g_mime_message_get_mime_part)(GMimeMessage *message)
{
	return get_g_mime_message_get_mime_part()(message);
}
InternetAddressList *(g_mime_message_get_reply_to)(GMimeMessage *message)
{
	return get_g_mime_message_get_reply_to()(message);
}
const char *(g_mime_message_get_subject)(GMimeMessage *message)
{
	return get_g_mime_message_get_subject()(message);
}
GType(g_mime_message_part_get_type)(void)
{
	return get_g_mime_message_part_get_type()();
}
int(g_mime_multipart_get_count)(GMimeMultipart *multipart)
{
	return get_g_mime_multipart_get_count()(multipart);
}
GMimeObject *(g_mime_multipart_get_part)(GMimeMultipart *multipart, int index)
{
	return get_g_mime_multipart_get_part()(multipart, index);
}
GType(g_mime_multipart_get_type)(void)
{
	return get_g_mime_multipart_get_type()();
}
GMimeContentType *(g_mime_object_get_content_type)(GMimeObject *object)
{
	return get_g_mime_object_get_content_type()(object);
}
GMimeHeaderList *(g_mime_object_get_header_list)(GMimeObject *object)
{
	return get_g_mime_object_get_header_list()(object);
}
GType(g_mime_object_get_type)(void)
{
	return get_g_mime_object_get_type()();
}
GMimeMessage *(g_mime_parser_construct_message)(GMimeParser *parser, GMimeParserOptions *options)
{
	return get_g_mime_parser_construct_message()(parser, options);
}
GMimeParser *(g_mime_parser_new_with_stream)(GMimeStream *stream)
{
	return get_g_mime_parser_new_with_stream()(stream);
}
void(g_mime_parser_set_format)(GMimeParser *parser, GMimeFormat format)
{
	get_g_mime_parser_set_format()(parser, format);
}
GMimeDataWrapper *(g_mime_part_get_content)(GMimePart *mime_part)
{
	return get_g_mime_part_get_content()(mime_part);
}
const char *(g_mime_part_get_filename)(GMimePart *mime_part)
{
	return get_g_mime_part_get_filename()(mime_part);
}
GType(g_mime_part_get_type)(void)
{
	return get_g_mime_part_get_type()();
}
gboolean(g_mime_part_is_attachment)(GMimePart *mime_part)
{
	return get_g_mime_part_is_attachment()(mime_part);
}
void(g_mime_part_iter_free)(GMimePartIter *iter)
{
	get_g_mime_part_iter_free()(iter);
}
GMimeObject *(g_mime_part_iter_get_current)(GMimePartIter *iter)
{
	return get_g_mime_part_iter_get_current()(iter);
}
GMimePartIter *(g_mime_part_iter_new)(GMimeObject *toplevel)
{
	return get_g_mime_part_iter_new()(toplevel);
}
gboolean(g_mime_part_iter_next)(GMimePartIter *iter)
{
	return get_g_mime_part_iter_next()(iter);
}
void(g_mime_part_iter_reset)(GMimePartIter *iter)
{
	get_g_mime_part_iter_reset()(iter);
}
GByteArray *(g_mime_stream_mem_get_byte_array)(GMimeStreamMem *mem)
{
	return get_g_mime_stream_mem_get_byte_array()(mem);
}
GType(g_mime_stream_mem_get_type)(void)
{
	return get_g_mime_stream_mem_get_type()();
}
GMimeStream *(g_mime_stream_mem_new)(void)
{
	return get_g_mime_stream_mem_new()();
}
GMimeStream *(g_mime_stream_mem_new_with_buffer)(const char *buffer, size_t len)
{
	return get_g_mime_stream_mem_new_with_buffer()(buffer, len);
}
char *(g_mime_text_part_get_text)(GMimeTextPart *mime_part)
{
	return get_g_mime_text_part_get_text()(mime_part);
}
GType(g_mime_text_part_get_type)(void)
{
	return get_g_mime_text_part_get_type()();
}
const char *(internet_address_get_name)(InternetAddress *ia)
{
	return get_internet_address_get_name()(ia);
}
InternetAddress *(internet_address_list_get_address)(InternetAddressList *list, int index)
{
	return get_internet_address_list_get_address()(list, index);
}
int(internet_address_list_length)(InternetAddressList *list)
{
	return get_internet_address_list_length()(list);
}
const char *(internet_address_mailbox_get_addr)(InternetAddressMailbox *mailbox)
{
	return get_internet_address_mailbox_get_addr()(mailbox);
}
GType(internet_address_mailbox_get_type)(void)
{
	return get_internet_address_mailbox_get_type()();
}
void(g_object_unref)(gpointer object)
{
	get_g_object_unref()(object);
}
GTypeInstance *(g_type_check_instance_cast)(GTypeInstance *instance, GType iface_type)
{
	return get_g_type_check_instance_cast()(instance, iface_type);
}
gboolean(g_type_check_instance_is_a)(GTypeInstance *instance, GType iface_type)
{
	return get_g_type_check_instance_is_a()(instance, iface_type);
}
gint(g_ascii_strcasecmp)(const gchar *s1, const gchar *s2)
{
	return get_g_ascii_strcasecmp()(s1, s2);
}
void(g_free)(gpointer mem)
{
	get_g_free()(mem);
}
