/*
 * src/core/lazy_syms.h: the functions libvigie takes from the libraries it
 * loads on first use (vigie/lazy.h), one list per library; lazy_stubs.c
 * defines a stub for each, vg_lazy_check() resolves them all.
 */
#ifndef VIGIE_SRC_CORE_LAZY_SYMS_H
#define VIGIE_SRC_CORE_LAZY_SYMS_H

#include "vigie/lazy.h"

#define VG_LAZY_CURL_SYMS(X)                                                                       \
	X(curl_easy_cleanup)                                                                       \
	X(curl_easy_getinfo)                                                                       \
	X(curl_easy_init)                                                                          \
	X(curl_easy_perform)                                                                       \
	X(curl_easy_reset)                                                                         \
	X(curl_easy_setopt)                                                                        \
	X(curl_easy_strerror)                                                                      \
	X(curl_global_cleanup)                                                                     \
	X(curl_global_init)                                                                        \
	X(curl_slist_append)                                                                       \
	X(curl_slist_free_all)

#define VG_LAZY_MHD_SYMS(X)                                                                        \
	X(MHD_add_response_header)                                                                 \
	X(MHD_create_response_from_buffer)                                                         \
	X(MHD_create_response_from_buffer_with_free_callback)                                      \
	X(MHD_destroy_response)                                                                    \
	X(MHD_get_connection_info)                                                                 \
	X(MHD_get_daemon_info)                                                                     \
	X(MHD_lookup_connection_value)                                                             \
	X(MHD_queue_response)                                                                      \
	X(MHD_quiesce_daemon)                                                                      \
	X(MHD_resume_connection)                                                                   \
	X(MHD_start_daemon_va)                                                                     \
	X(MHD_stop_daemon)                                                                         \
	X(MHD_suspend_connection)

#define VG_LAZY_GMIME_SYMS(X)                                                                      \
	X(g_mime_content_type_get_mime_type)                                                       \
	X(g_mime_content_type_is_type)                                                             \
	X(g_mime_data_wrapper_write_to_stream)                                                     \
	X(g_mime_header_get_name)                                                                  \
	X(g_mime_header_get_value)                                                                 \
	X(g_mime_header_list_get_count)                                                            \
	X(g_mime_header_list_get_header_at)                                                        \
	X(g_mime_init)                                                                             \
	X(g_mime_message_get_body)                                                                 \
	X(g_mime_message_get_from)                                                                 \
	X(g_mime_message_get_mime_part)                                                            \
	X(g_mime_message_get_reply_to)                                                             \
	X(g_mime_message_get_subject)                                                              \
	X(g_mime_message_part_get_type)                                                            \
	X(g_mime_multipart_get_count)                                                              \
	X(g_mime_multipart_get_part)                                                               \
	X(g_mime_multipart_get_type)                                                               \
	X(g_mime_object_get_content_type)                                                          \
	X(g_mime_object_get_header_list)                                                           \
	X(g_mime_object_get_type)                                                                  \
	X(g_mime_parser_construct_message)                                                         \
	X(g_mime_parser_new_with_stream)                                                           \
	X(g_mime_parser_set_format)                                                                \
	X(g_mime_part_get_content)                                                                 \
	X(g_mime_part_get_filename)                                                                \
	X(g_mime_part_get_type)                                                                    \
	X(g_mime_part_is_attachment)                                                               \
	X(g_mime_part_iter_free)                                                                   \
	X(g_mime_part_iter_get_current)                                                            \
	X(g_mime_part_iter_new)                                                                    \
	X(g_mime_part_iter_next)                                                                   \
	X(g_mime_part_iter_reset)                                                                  \
	X(g_mime_stream_mem_get_byte_array)                                                        \
	X(g_mime_stream_mem_get_type)                                                              \
	X(g_mime_stream_mem_new)                                                                   \
	X(g_mime_stream_mem_new_with_buffer)                                                       \
	X(g_mime_text_part_get_text)                                                               \
	X(g_mime_text_part_get_type)                                                               \
	X(internet_address_get_name)                                                               \
	X(internet_address_list_get_address)                                                       \
	X(internet_address_list_length)                                                            \
	X(internet_address_mailbox_get_addr)                                                       \
	X(internet_address_mailbox_get_type)                                                       \
	X(g_object_unref)                                                                          \
	X(g_type_check_instance_cast)                                                              \
	X(g_type_check_instance_is_a)                                                              \
	X(g_ascii_strcasecmp)                                                                      \
	X(g_free)

/* The address of function `name` of lib, loading lib and caching the
 * address in *slot the first time; prints why and exits with status 4 when
 * the library or the function cannot be had. */
void *vgi_lazy_sym(vg_lazy_lib lib, const char *name, void **slot);

#endif
